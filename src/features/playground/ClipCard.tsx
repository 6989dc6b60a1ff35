import { MODEL_AUDIO_LIMIT_SECONDS } from '@protocol/playground.ts';
import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { computePeaks, encodeWav16, TARGET_SAMPLE_RATE, trimClip } from './audio-dsp.ts';
import { type DraftClip, removeClip, trimToModelLimit, updateClip } from './playground-store.ts';

const WAVEFORM_WIDTH = 600;
const WAVEFORM_HEIGHT = 64;

/** One attached clip: waveform with the trimmed part highlighted, playback, trim handles. */
export function ClipCard({ clip }: { clip: DraftClip }) {
  const { t } = useTranslation();
  const canvas = useRef<HTMLCanvasElement>(null);
  const peaks = useMemo(() => computePeaks(clip.samples, WAVEFORM_WIDTH), [clip.samples]);
  const trimmedSeconds = clip.trimEnd - clip.trimStart;

  // Playback plays what will be uploaded: the trimmed clip at 16 kHz mono.
  const playbackUrl = useMemo(() => {
    const trimmed = trimClip(clip.samples, TARGET_SAMPLE_RATE, clip.trimStart, clip.trimEnd);
    return URL.createObjectURL(
      new Blob([encodeWav16(trimmed, TARGET_SAMPLE_RATE)], { type: 'audio/wav' }),
    );
  }, [clip.samples, clip.trimStart, clip.trimEnd]);
  useEffect(() => () => URL.revokeObjectURL(playbackUrl), [playbackUrl]);

  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) {
      return;
    }
    const width = WAVEFORM_WIDTH;
    const middle = WAVEFORM_HEIGHT / 2;
    context.clearRect(0, 0, width, WAVEFORM_HEIGHT);
    const startX = clip.durationSeconds > 0 ? (clip.trimStart / clip.durationSeconds) * width : 0;
    const endX = clip.durationSeconds > 0 ? (clip.trimEnd / clip.durationSeconds) * width : width;
    context.fillStyle = '#e8eef5';
    context.fillRect(startX, 0, endX - startX, WAVEFORM_HEIGHT);
    for (let x = 0; x < width; x += 1) {
      const min = peaks[x * 2] ?? 0;
      const max = peaks[x * 2 + 1] ?? 0;
      context.fillStyle = x >= startX && x <= endX ? '#1f4e79' : '#b7c0ca';
      context.fillRect(x, middle - max * middle, 1, Math.max(1, (max - min) * middle));
    }
  }, [peaks, clip.trimStart, clip.trimEnd, clip.durationSeconds]);

  const seconds = (value: number) => value.toFixed(2);

  return (
    <div
      className="panel pg-clip"
      data-testid="playground-clip"
      data-duration={seconds(clip.durationSeconds)}
      data-trimmed-duration={seconds(trimmedSeconds)}
    >
      <div className="row">
        <strong>{clip.name}</strong>
        <span className="muted">
          {t('playground.audio.duration', { seconds: seconds(trimmedSeconds) })}
        </span>
        <button type="button" className="btn" onClick={() => removeClip(clip.id)}>
          {t('playground.audio.remove')}
        </button>
      </div>
      <canvas
        ref={canvas}
        width={WAVEFORM_WIDTH}
        height={WAVEFORM_HEIGHT}
        className="pg-waveform"
        aria-label={clip.name}
      />
      <div className="row">
        {/* biome-ignore lint/a11y/useMediaCaption: user-supplied audio has no caption track. */}
        <audio controls src={playbackUrl} preload="metadata" />
        <label className="inline-field">
          <span>{t('playground.audio.trimStart')}</span>
          <input
            type="number"
            min={0}
            max={clip.durationSeconds}
            step={0.1}
            value={Number(clip.trimStart.toFixed(2))}
            data-testid="playground-trim-start"
            onChange={(event) => updateClip(clip.id, { trimStart: Number(event.target.value) })}
          />
        </label>
        <label className="inline-field">
          <span>{t('playground.audio.trimEnd')}</span>
          <input
            type="number"
            min={0}
            max={clip.durationSeconds}
            step={0.1}
            value={Number(clip.trimEnd.toFixed(2))}
            data-testid="playground-trim-end"
            onChange={(event) => updateClip(clip.id, { trimEnd: Number(event.target.value) })}
          />
        </label>
      </div>
      {trimmedSeconds > MODEL_AUDIO_LIMIT_SECONDS && (
        <div className="alarm row" data-testid="playground-long-warning">
          <span>{t('playground.audio.longWarning', { seconds: seconds(trimmedSeconds) })}</span>
          <button
            type="button"
            className="btn"
            data-testid="playground-trim-30"
            onClick={() => updateClip(clip.id, trimToModelLimit(clip))}
          >
            {t('playground.audio.trimTo30')}
          </button>
        </div>
      )}
    </div>
  );
}
