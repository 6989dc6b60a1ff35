import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { decodeToMono16k } from './decode.ts';
import { addClip } from './playground-store.ts';

/** File picker, drop zone and microphone recorder; every source becomes a 16 kHz mono clip. */
export function AudioInputs() {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const recorder = useRecorder(setError);

  const addFiles = async (files: FileList | File[]) => {
    setError(null);
    for (const file of Array.from(files)) {
      try {
        const samples = await decodeToMono16k(await file.arrayBuffer());
        addClip(file.name, samples);
      } catch (failure) {
        setError(
          t('playground.audio.decodeFailed', {
            name: file.name,
            message: failure instanceof Error ? failure.message : String(failure),
          }),
        );
      }
    }
  };

  return (
    <section
      className={dragging ? 'pg-drop dragging' : 'pg-drop'}
      aria-label={t('playground.audio.title')}
      data-testid="playground-drop"
      onDragOver={(event) => {
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(event) => {
        event.preventDefault();
        setDragging(false);
        void addFiles(event.dataTransfer.files);
      }}
    >
      <div className="row">
        <span className="muted">{t('playground.audio.drop')}</span>
        <label className="btn">
          {t('playground.audio.choose')}
          <input
            type="file"
            accept="audio/*,.wav,.mp3,.flac,.ogg,.m4a,.webm"
            multiple
            hidden
            data-testid="playground-file-input"
            onChange={(event) => {
              const files = event.target.files;
              if (files) {
                void addFiles(files);
              }
              event.target.value = '';
            }}
          />
        </label>
        <button
          type="button"
          className={recorder.recording ? 'btn btn-danger' : 'btn'}
          data-testid="playground-record"
          data-recording={recorder.recording ? '1' : '0'}
          onClick={() => (recorder.recording ? recorder.stop() : void recorder.start())}
        >
          {recorder.recording
            ? t('playground.audio.stopRecording', { seconds: recorder.seconds })
            : t('playground.audio.record')}
        </button>
      </div>
      {error && (
        <p className="error-text" data-testid="playground-audio-error">
          {error}
        </p>
      )}
    </section>
  );
}

/** Records from the microphone with MediaRecorder and adds the result as a clip. */
function useRecorder(onError: (message: string | null) => void) {
  const { t } = useTranslation();
  const [recording, setRecording] = useState(false);
  const [seconds, setSeconds] = useState(0);
  const mediaRecorder = useRef<MediaRecorder | null>(null);
  const count = useRef(0);

  useEffect(() => {
    if (!recording) {
      return;
    }
    const started = Date.now();
    const timer = setInterval(() => setSeconds(Math.floor((Date.now() - started) / 1000)), 250);
    return () => clearInterval(timer);
  }, [recording]);

  useEffect(() => () => mediaRecorder.current?.stop(), []);

  const start = async () => {
    onError(null);
    if (!navigator.mediaDevices?.getUserMedia) {
      onError(t('playground.audio.micMissing'));
      return;
    }
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (failure) {
      const denied = failure instanceof DOMException && failure.name === 'NotAllowedError';
      onError(t(denied ? 'playground.audio.micDenied' : 'playground.audio.micMissing'));
      return;
    }
    const chunks: Blob[] = [];
    const media = new MediaRecorder(stream);
    media.ondataavailable = (event) => {
      if (event.data.size > 0) {
        chunks.push(event.data);
      }
    };
    media.onstop = async () => {
      for (const track of stream.getTracks()) {
        track.stop();
      }
      setRecording(false);
      count.current += 1;
      const name = t('playground.audio.recording', { index: count.current });
      try {
        const blob = new Blob(chunks, { type: media.mimeType });
        addClip(`${name}.wav`, await decodeToMono16k(await blob.arrayBuffer()));
      } catch (failure) {
        onError(
          t('playground.audio.decodeFailed', {
            name,
            message: failure instanceof Error ? failure.message : String(failure),
          }),
        );
      }
    };
    mediaRecorder.current = media;
    media.start(250);
    setSeconds(0);
    setRecording(true);
  };

  const stop = () => {
    mediaRecorder.current?.stop();
    mediaRecorder.current = null;
  };

  return { recording, seconds, start, stop };
}
