import { useTranslation } from 'react-i18next';
import type { Tab } from './ui-store.ts';

export function TabContent({ tab }: { tab: Tab }) {
  const { t } = useTranslation();
  switch (tab) {
    default:
      return <p className="muted">{t('placeholder.comingSoon')}</p>;
  }
}
