import { useTranslation } from 'react-i18next';
import { DatasetsTab } from '../features/datasets/DatasetsTab.tsx';
import { ExportTab } from '../features/export/ExportTab.tsx';
import { MonitorTab } from '../features/monitor/MonitorTab.tsx';
import { PlaygroundTab } from '../features/playground/PlaygroundTab.tsx';
import { TrainTab } from '../features/train/TrainTab.tsx';
import type { Tab } from './ui-store.ts';

export function TabContent({ tab }: { tab: Tab }) {
  const { t } = useTranslation();
  switch (tab) {
    case 'datasets':
      return <DatasetsTab />;
    case 'playground':
      return <PlaygroundTab />;
    case 'train':
      return <TrainTab />;
    case 'monitor':
      return <MonitorTab />;
    case 'export':
      return <ExportTab />;
    default:
      return <p className="muted">{t('placeholder.comingSoon')}</p>;
  }
}
