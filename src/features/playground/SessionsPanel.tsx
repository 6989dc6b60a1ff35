import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { deleteSession, getSession, listSessions, watchSession } from './api.ts';
import { usePlayground } from './playground-store.ts';

/** Stored sessions, newest first; opening one loads its turns and answers. */
export function SessionsPanel() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const sessionId = usePlayground((state) => state.sessionId);
  const sessions = useQuery({ queryKey: ['playground-sessions'], queryFn: listSessions });

  const open = async (id: string) => {
    const session = await getSession(id);
    usePlayground.getState().loadSession(session);
    await watchSession(id);
  };

  const remove = async (id: string) => {
    if (!window.confirm(t('playground.sessions.deleteConfirm'))) {
      return;
    }
    await deleteSession(id);
    if (usePlayground.getState().sessionId === id) {
      usePlayground.getState().newSession();
    }
    void queryClient.invalidateQueries({ queryKey: ['playground-sessions'] });
  };

  return (
    <div className="panel">
      <div className="row">
        <h2>{t('playground.sessions.title')}</h2>
        <button
          type="button"
          className="btn"
          data-testid="playground-new-session"
          onClick={() => usePlayground.getState().newSession()}
        >
          {t('playground.sessions.new')}
        </button>
      </div>
      {sessions.error && (
        <p className="error-text">
          {t('playground.sessions.loadFailed', { message: sessions.error.message })}
        </p>
      )}
      {sessions.data?.length === 0 && <p className="muted">{t('playground.sessions.empty')}</p>}
      <ul className="pg-sessions">
        {sessions.data?.map((session) => (
          <li key={session.id} className={session.id === sessionId ? 'active' : ''}>
            <button
              type="button"
              className="pg-session-open"
              data-testid={`playground-session-${session.id}`}
              onClick={() => void open(session.id).catch(() => {})}
            >
              <span>{session.title}</span>
              <span className="muted">
                {t('playground.sessions.turns', { count: session.turnCount })}
              </span>
            </button>
            <button
              type="button"
              className="btn"
              onClick={() => void remove(session.id).catch(() => {})}
            >
              {t('playground.sessions.delete')}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
