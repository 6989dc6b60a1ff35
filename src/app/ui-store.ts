import { create } from 'zustand';

export const TABS = ['train', 'monitor', 'playground', 'datasets', 'export', 'predict'] as const;
export type Tab = (typeof TABS)[number];

function tabFromHash(): Tab {
  const hash = window.location.hash.replace(/^#\/?/, '');
  return (TABS as readonly string[]).includes(hash) ? (hash as Tab) : 'train';
}

interface UiState {
  tab: Tab;
  setTab(tab: Tab): void;
}

/** Client-only UI state; the active tab lives in the URL hash so reloads and links keep it. */
export const useUi = create<UiState>((set) => ({
  tab: tabFromHash(),
  setTab(tab) {
    window.location.hash = `/${tab}`;
    set({ tab });
  },
}));

window.addEventListener('hashchange', () => useUi.setState({ tab: tabFromHash() }));
