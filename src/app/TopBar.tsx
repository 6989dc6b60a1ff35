import { useTranslation } from 'react-i18next';
import { useConnection } from '../api/socket.ts';
import { LANGUAGES } from '../i18n/index.ts';
import { WorkerStatus } from './WorkerStatus.tsx';

export function TopBar() {
  const { t, i18n } = useTranslation();
  const status = useConnection((state) => state.status);

  return (
    <header className="top-bar">
      <div className="brand">
        <img src="/favicon.svg" alt="" width={24} height={24} />
        <span className="brand-name">{t('app.title')}</span>
        <span className="brand-subtitle">{t('app.subtitle')}</span>
      </div>
      <div className="top-bar-controls">
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
