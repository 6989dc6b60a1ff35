import './playground.css';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BoardError } from '../../api/rest.ts';
import { useRuns, wireRunEvents } from '../../api/runs-live.ts';
import { AnswerPane } from './AnswerPane.tsx';
import { AudioInputs } from './AudioInputs.tsx';
import { stopTurn, updateSession, wirePlaygroundEvents } from './api.ts';
import { ClipCard } from './ClipCard.tsx';
import { ModelServersPanel } from './ModelServersPanel.tsx';
import { usePlayground } from './playground-store.ts';
import { SessionsPanel } from './SessionsPanel.tsx';
import { SettingsPanel } from './SettingsPanel.tsx';
import { sendComposerTurn } from './send.ts';
import { TargetsPanel } from './TargetsPanel.tsx';
import { adapterRuns, defaultModelFrom, selectedTargets } from './targets.ts';

/** The playground: attach audio, ask a question, compare the base model with adapters. */
export function PlaygroundTab() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const runs = useRuns((state) => state.runs);
  const finished = useMemo(() => adapterRuns(runs), [runs]);
  const clips = usePlayground((state) => state.clips);
  const turns = usePlayground((state) => state.turns);
  const prompt = usePlayground((state) => state.prompt);
  const systemPrompt = usePlayground((state) => state.systemPrompt);
  const sessionId = usePlayground((state) => state.sessionId);
  const model = usePlayground((state) => state.model);
  const selected = usePlayground((state) => state.selected);
  const customAdapter = usePlayground((state) => state.customAdapter);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    wireRunEvents();
    wirePlaygroundEvents();
  }, []);

  // Prefill the model from the newest finished run until the user sets one.
  const fallbackModel = useMemo(() => defaultModelFrom(finished), [finished]);
  useEffect(() => {
    if (fallbackModel && usePlayground.getState().model.model_name_or_path === '') {
      usePlayground.setState({ model: fallbackModel });
    }
  }, [fallbackModel]);

  const targets = selectedTargets(selected, finished, customAdapter, {
    base: t('playground.targets.base'),
    custom: t('playground.targets.customLabel'),
  });
  const latest = turns[turns.length - 1];
  const running = latest?.answers.some((answer) => answer.state !== 'done') ?? false;
  const modelMissing = model.model_name_or_path.trim() === '' || model.template.trim() === '';
  const canSend =
    !sending &&
    !running &&
    !modelMissing &&
    targets.length > 0 &&
    (prompt.trim() !== '' || clips.length > 0);

  const send = async () => {
    setError(null);
    setSending(true);
    try {
      await sendComposerTurn(targets);
      void queryClient.invalidateQueries({ queryKey: ['playground-sessions'] });
    } catch (failure) {
      const message =
        failure instanceof BoardError || failure instanceof Error
          ? failure.message
          : String(failure);
      setError(t('playground.chat.sendFailed', { message }));
    } finally {
      setSending(false);
    }
  };

  return (
    <div className="pg-layout">
      <aside className="pg-side">
        <SessionsPanel />
        <ModelServersPanel />
      </aside>
      <section className="pg-main">
        <TargetsPanel runs={finished} />

        <div className="panel">
          <h2>{t('playground.chat.system')}</h2>
          <textarea
            className="pg-textarea"
            rows={2}
            value={systemPrompt}
            data-testid="playground-system"
            placeholder={t('playground.chat.systemHelp')}
            onChange={(event) => usePlayground.setState({ systemPrompt: event.target.value })}
            onBlur={() => {
              if (sessionId) {
                void updateSession(sessionId, { systemPrompt }).catch(() => {});
              }
            }}
          />
        </div>

        <div className="pg-history" data-testid="playground-history">
          {turns.length === 0 && <p className="muted">{t('playground.chat.empty')}</p>}
          {turns.map((turn, index) => (
            <div key={turn.id} className="pg-turn" data-testid="playground-turn">
              <div className="pg-question">
                <strong>{t('playground.chat.you')}</strong>{' '}
                {turn.clips.length > 0 && (
                  <span className="chip">
                    {t('playground.chat.clips', { count: turn.clips.length })}
                  </span>
                )}{' '}
                <span>{turn.prompt}</span>
              </div>
              <div className="pg-answers">
                {turn.answers.map((answer) => (
                  <AnswerPane
                    key={answer.target.key}
                    answer={answer}
                    latest={index === turns.length - 1}
                  />
                ))}
              </div>
            </div>
          ))}
        </div>

        <div className="panel">
          <h2>{t('playground.audio.title')}</h2>
          <AudioInputs />
          {clips.length === 0 && <p className="muted">{t('playground.audio.empty')}</p>}
          {clips.map((clip) => (
            <ClipCard key={clip.id} clip={clip} />
          ))}
          <label className="field">
            <span>{t('playground.chat.prompt')}</span>
            <textarea
              className="pg-textarea"
              rows={3}
              value={prompt}
              data-testid="playground-prompt"
              placeholder={t('playground.chat.promptPlaceholder')}
              onChange={(event) => usePlayground.setState({ prompt: event.target.value })}
              onKeyDown={(event) => {
                if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && canSend) {
                  void send();
                }
              }}
            />
          </label>
          <div className="row">
            <button
              type="button"
              className="btn btn-primary"
              data-testid="playground-send"
              disabled={!canSend}
              onClick={() => void send()}
            >
              {sending ? t('playground.chat.sending') : t('playground.chat.send')}
            </button>
            {running && latest && (
              <button
                type="button"
                className="btn btn-danger"
                data-testid="playground-stop"
                onClick={() => void stopTurn(latest.id).catch(() => {})}
              >
                {t('playground.chat.stop')}
              </button>
            )}
            {modelMissing && <span className="error-text">{t('playground.model.missing')}</span>}
            {!modelMissing && targets.length === 0 && (
              <span className="error-text">{t('playground.targets.none')}</span>
            )}
          </div>
          {error && (
            <p className="error-text" data-testid="playground-send-error">
              {error}
            </p>
          )}
        </div>

        <SettingsPanel />
      </section>
    </div>
  );
}
