import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { uiSocket } from '../api/socket.ts';
import { ConnectionBanner } from './ConnectionBanner.tsx';
import { TabContent } from './TabContent.tsx';
import { TopBar } from './TopBar.tsx';
import { TABS, useUi } from './ui-store.ts';

export function App() {
  const { t } = useTranslation();
  const tab = useUi((state) => state.tab);
  const setTab = useUi((state) => state.setTab);

  useEffect(() => {
    uiSocket();
  }, []);

  return (
    <div className="app">
      <TopBar />
      <ConnectionBanner />
      <div className="tabs" role="tablist">
        {TABS.map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            aria-selected={tab === name}
            className={tab === name ? 'tab active' : 'tab'}
            data-testid={`tab-${name}`}
            onClick={() => setTab(name)}
          >
            {t(`tabs.${name}`)}
          </button>
        ))}
      </div>
      <main className="content" role="tabpanel">
        <TabContent tab={tab} />
      </main>
    </div>
  );
}
