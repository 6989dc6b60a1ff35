import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useConnection } from '../api/socket.ts';

/** Renders the top bar's worker and engine summary, with a panel that gives the fix for a broken engine. */
export function WorkerStatus() {
  const { t } = useTranslation();
  const workers = useConnection((state) => state.workers);
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);

  // Escape or a click elsewhere closes the panel, which otherwise covers the tabs on narrow screens.
  useEffect(() => {
    if (!open) {
      return;
    }
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        setOpen(false);
      }
    };
    const onPointer = (event: MouseEvent) => {
      if (root.current && !root.current.contains(event.target as Node)) {
        setOpen(false);
      }
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onPointer);
    };
  }, [open]);

  const online = workers.filter((worker) => worker.status === 'online');
  const ready = online.filter((worker) => worker.engine.state === 'ready');
  let tone: 'bad' | 'good' | 'warn' = 'warn';
  if (online.length === 0) {
    tone = 'bad';
  } else if (ready.length === online.length) {
    tone = 'good';
  }

  return (
    <div className="worker-status" ref={root}>
      <button
        type="button"
        className={`chip chip-${tone}`}
        data-testid="worker-status"
        data-online={online.length}
        onClick={() => setOpen((value) => !value)}
      >
        {online.length === 0
          ? t('topBar.noWorkers')
          : t('topBar.workersOnline', { count: online.length })}
        {online.length > 0 && ready.length < online.length
          ? ` · ${t('topBar.engineNotReady')}`
          : ''}
      </button>
      {open && (
        <div className="popover" data-testid="worker-list">
          <h3>{t('workers.title')}</h3>
          {workers.length === 0 && <p className="muted">{t('topBar.noWorkers')}</p>}
          <ul>
            {workers.map((worker) => (
              <li key={worker.workerId} className="worker-row">
                <div>
                  <strong>{worker.hostname}</strong> <code>{worker.workerId}</code>{' '}
                  <span className={`pill pill-${worker.status}`}>
                    {t(`workers.${worker.status}`)}
                  </span>
                </div>
                <div className="muted">
                  {worker.gpus.length === 0
                    ? t('topBar.cpuOnly')
                    : `${t('topBar.gpus', { count: worker.gpus.length })}: ${worker.gpus.map((gpu) => gpu.name).join(', ')}`}
                </div>
                {worker.engine.state === 'ready' ? (
                  <div>{t('topBar.engineReady', { version: worker.engine.version })}</div>
                ) : (
                  <div className="engine-problem" data-testid="engine-not-ready">
                    <div>
                      {t('topBar.engineNotReady')}:{' '}
                      {t(`engineProblems.${worker.engine.code}`, {
                        python: worker.engine.python ?? '',
                      })}
                    </div>
                    <div className="muted">{worker.engine.reason}</div>
                    <div>
                      {t('workers.fix')}: <code>{worker.engine.fix}</code>
                    </div>
                  </div>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
