import type { LogLine } from '@protocol/events.ts';
import { useLayoutEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useMonitor } from './monitor-store.ts';

/** Pixels from the bottom within which the box still counts as scrolled to the end. */
const BOTTOM_SLACK_PX = 24;

/** Shows the engine's combined stdout and stderr, following new lines until the user scrolls up. */
export function LogBox({ lines }: { lines: readonly LogLine[] }) {
  const { t } = useTranslation();
  const follow = useMonitor((state) => state.followLog);
  const box = useRef<HTMLPreElement>(null);
  const text = useMemo(() => lines.map((entry) => entry.line).join('\n'), [lines]);

  // Runs after the new lines are in the DOM and before paint, so the box never flickers up.
  useLayoutEffect(() => {
    const element = box.current;
    if (follow && element && text.length > 0) {
      element.scrollTop = element.scrollHeight;
    }
  }, [follow, text]);

  const onScroll = () => {
    const element = box.current;
    if (!element || !follow) {
      return;
    }
    const fromBottom = element.scrollHeight - element.scrollTop - element.clientHeight;
    if (fromBottom > BOTTOM_SLACK_PX) {
      useMonitor.setState({ followLog: false });
    }
  };

  return (
    <section className="panel monitor-log">
      <div className="row">
        <h2>{t('monitor.log.title')}</h2>
        <button
          type="button"
          className={follow ? 'btn monitor-follow-on' : 'btn'}
          aria-pressed={follow}
          title={t('monitor.log.followHelp')}
          data-testid="run-log-follow"
          onClick={() => useMonitor.setState({ followLog: !follow })}
        >
          {follow ? t('monitor.log.follow') : t('monitor.log.paused')}
        </button>
      </div>
      <pre ref={box} className="log-box" data-testid="run-log" onScroll={onScroll}>
        {text.length > 0 ? text : t('monitor.log.empty')}
      </pre>
    </section>
  );
}
