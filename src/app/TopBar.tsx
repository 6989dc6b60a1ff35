import { useTranslation } from 'react-i18next';
import { useConnection } from '../api/socket.ts';
import { useTrainForm } from '../features/train/form-store.ts';
import { LANGUAGES } from '../i18n/index.ts';
import { WorkerStatus } from './WorkerStatus.tsx';

export function TopBar() {
  const { t, i18n } = useTranslation();
  const status = useConnection((state) => state.status);
  const model = useTrainForm((state) => state.model);
  const method = useTrainForm((state) => state.method);

  return (
    <header className="top-bar">
      <div className="brand">
        <img src="/favicon.svg" alt="" width={24} height={24} />
        <span className="brand-name">{t('app.title')}</span>
        <span className="brand-subtitle">{t('app.subtitle')}</span>
      </div>
      <div className="top-bar-controls">
        <span className="top-bar-item" data-testid="top-model">
          <span className="muted">{t('topBar.model')}</span> {model || '—'}
        </span>
        <span className="top-bar-item" data-testid="top-method">
          <span className="muted">{t('topBar.method')}</span> {t(`methods.${method}`)}
        </span>
        <span
          className={`connection-dot connection-${status}`}
          title={t(`connection.${status}`)}
          data-testid="connection-status"
          data-status={status}
        />
        <WorkerStatus />
        <label className="inline-field">
          <span>{t('topBar.language')}</span>
          <select
            data-testid="language-select"
            value={i18n.language}
            onChange={(event) => void i18n.changeLanguage(event.target.value)}
          >
            {LANGUAGES.map((language) => (
              <option key={language.code} value={language.code}>
                {language.label}
              </option>
            ))}
          </select>
        </label>
      </div>
    </header>
  );
}
