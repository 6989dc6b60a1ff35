import { useTranslation } from 'react-i18next';
import { useConnection } from '../api/socket.ts';

/** Shows the live-connection state; it clears by itself once the socket reconnects. */
export function ConnectionBanner() {
  const { t } = useTranslation();
  const status = useConnection((state) => state.status);
  if (status === 'connected') {
    return null;
  }
  return (
    <div className={`banner banner-${status}`} role="status" data-testid="connection-banner">
      {t(`connection.${status}`)}
    </div>
  );
}
