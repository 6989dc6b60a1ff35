import { useTranslation } from 'react-i18next';
import { unloadModel } from './api.ts';
import { usePlayground } from './playground-store.ts';

/** Model servers running on workers: state, memory and an Unload button. */
export function ModelServersPanel() {
  const { t } = useTranslation();
  const workers = usePlayground((state) => state.modelServers);
  const servers = workers.flatMap((worker) =>
    worker.servers
      .filter((server) => server.state !== 'stopped')
      .map((server) => ({ workerId: worker.workerId, server })),
  );

  return (
    <div className="panel" data-testid="playground-models">
      <h2>{t('playground.models.title')}</h2>
      {servers.length === 0 && <p className="muted">{t('playground.models.empty')}</p>}
      <ul className="pg-servers">
        {servers.map(({ workerId, server }) => (
          <li
            key={`${workerId}/${server.key}`}
            data-testid="playground-model-server"
            data-state={server.state}
          >
            <div>
              <strong>{t(`playground.models.states.${server.state}`)}</strong>{' '}
              <code>{server.model.model_name_or_path}</code>
            </div>
            {server.adapter_name_or_path && (
              <div className="muted">
                {t('playground.models.adapter', { path: server.adapter_name_or_path })}
              </div>
            )}
            {server.rssBytes !== null && (
              <div className="muted">
                {t('playground.models.memory', { mib: Math.round(server.rssBytes / 1024 / 1024) })}
              </div>
            )}
            {server.state !== 'ready' && server.lastLogLine && (
              <div className="muted pg-log-line">{server.lastLogLine}</div>
            )}
            {server.error && (
              <div className="error-text">
                {t(`playground.errors.${server.error.code}`)} <code>{server.error.message}</code>
              </div>
            )}
            <button
              type="button"
              className="btn"
              onClick={() => void unloadModel(workerId, server.key).catch(() => {})}
            >
              {t('playground.models.unload')}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
