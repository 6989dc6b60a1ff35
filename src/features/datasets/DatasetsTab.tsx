import { useMutation, useQuery } from '@tanstack/react-query';
import { memo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { useTrainForm } from '../train/form-store.ts';
import {
  audioUrl,
  type CutoffAnalysis,
  fetchDatasets,
  fetchSamples,
  fetchValidation,
  postAnalysis,
  postUpload,
} from './api.ts';

const PAGE_SIZE = 10;

/** Lists, previews, validates and uploads datasets, and checks `cutoff_len` against them. */
export function DatasetsTab() {
  const { t } = useTranslation();
  // Start from the Train tab's dataset_dir, which is usually the folder the user wants to check.
  const trainDatasetDir = useTrainForm.getState().form.dataset_dir;
  const [draftDir, setDraftDir] = useState(trainDatasetDir);
  const [datasetDir, setDatasetDir] = useState(trainDatasetDir);
  const [selected, setSelected] = useState<string | null>(null);
  const list = useQuery({
    queryKey: ['datasets', datasetDir],
    queryFn: () => fetchDatasets(datasetDir),
    enabled: datasetDir !== '',
  });

  return (
    <section className="datasets">
      <form
        className="inline-field"
        onSubmit={(event) => {
          event.preventDefault();
          setDatasetDir(draftDir.trim());
          setSelected(null);
        }}
      >
        <label>
          <span>{t('datasets.datasetDir')}</span>
          <input
            data-testid="dataset-dir"
            value={draftDir}
            onChange={(e) => setDraftDir(e.target.value)}
          />
        </label>
        <button type="submit" data-testid="dataset-load">
          {t('datasets.load')}
        </button>
      </form>
      {list.error && <p className="error">{list.error.message}</p>}
      {list.data && list.data.length === 0 && <p className="muted">{t('datasets.noDatasets')}</p>}
      {list.data && list.data.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>{t('datasets.name')}</th>
              <th>{t('datasets.formatting')}</th>
              <th>{t('datasets.samples')}</th>
              <th>{t('datasets.clips')}</th>
              <th>{t('datasets.audioHours')}</th>
              <th>{t('datasets.findings')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((row) => (
              <tr
                key={row.name}
                data-testid={`dataset-row-${row.name}`}
                className={row.name === selected ? 'selected' : ''}
                onClick={() => setSelected(row.name)}
              >
                <td>{row.name}</td>
                <td>{row.formatting}</td>
                <td>{row.summary?.samples ?? '–'}</td>
                <td>{row.summary?.clips ?? '–'}</td>
                <td>{row.summary ? row.summary.audioHours.toFixed(3) : '–'}</td>
                <td>{row.error ?? row.findingCount ?? 0}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {selected && (
        <>
          <SamplePreview datasetDir={datasetDir} dataset={selected} />
          <ValidationPanel datasetDir={datasetDir} dataset={selected} />
          <CutoffPanel datasetDir={datasetDir} dataset={selected} />
        </>
      )}
      {datasetDir && <UploadForm datasetDir={datasetDir} onUploaded={() => void list.refetch()} />}
    </section>
  );
}

function SamplePreview({ datasetDir, dataset }: { datasetDir: string; dataset: string }) {
  const { t } = useTranslation();
  const [offset, setOffset] = useState(0);
  const page = useQuery({
    queryKey: ['dataset-samples', datasetDir, dataset, offset],
    queryFn: () => fetchSamples(datasetDir, dataset, offset, PAGE_SIZE),
  });
  if (page.error) {
    return <p className="error">{page.error.message}</p>;
  }
  if (!page.data) {
    return null;
  }
  const { total, samples } = page.data;
  return (
    <div className="panel" data-testid="dataset-preview">
      <h3>{t('datasets.preview')}</h3>
      <div>
        <button
          type="button"
          disabled={offset === 0}
          onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}
        >
          {t('datasets.previous')}
        </button>{' '}
        {t('datasets.page', { from: offset + 1, to: Math.min(total, offset + PAGE_SIZE), total })}{' '}
        <button
          type="button"
          disabled={offset + PAGE_SIZE >= total}
          onClick={() => setOffset(offset + PAGE_SIZE)}
        >
          {t('datasets.next')}
        </button>
      </div>
      {samples.map((sample) => (
        <article key={sample.index} className="sample" data-testid="dataset-sample">
          <strong>{t('datasets.sample', { index: sample.index })}</strong>
          {sample.dropped && (
            <p className="warn">
              {t('datasets.dropped', {
                reason: t(`datasets.dropReasons.${sample.dropped}`, {
                  defaultValue: sample.dropped,
                }),
              })}
            </p>
          )}
          {sample.system && <p className="muted">{sample.system}</p>}
          {[...sample.prompt, ...sample.response].map((turn, position) => (
            // Turns have no id, and a sample's turns never reorder.
            // biome-ignore lint/suspicious/noArrayIndexKey: turns are a fixed list for this sample.
            <p key={position}>
              <code>{turn.role}</code> {turn.content}
            </p>
          ))}
          {sample.audios.map((clip) => (
            <div key={clip}>
              <code>{clip}</code>
              {/* biome-ignore lint/a11y/useMediaCaption: dataset clips have no caption track; the text above is their label. */}
              <audio controls preload="none" src={audioUrl(datasetDir, clip)} />
            </div>
          ))}
        </article>
      ))}
    </div>
  );
}

function ValidationPanel({ datasetDir, dataset }: { datasetDir: string; dataset: string }) {
  const { t } = useTranslation();
  const report = useQuery({
    queryKey: ['dataset-validation', datasetDir, dataset],
    queryFn: () => fetchValidation(datasetDir, dataset),
  });
  return (
    <div className="panel">
      <h3>{t('datasets.validate')}</h3>
      {report.error && <p className="error">{report.error.message}</p>}
      {report.data && report.data.findings.length === 0 && <p>{t('datasets.noFindings')}</p>}
      <ul>
        {report.data?.findings.map((finding) => (
          <li
            key={`${finding.index}-${finding.code}-${JSON.stringify(finding.params)}`}
            data-testid="dataset-finding"
            data-code={finding.code}
            className={`finding finding-${finding.severity}`}
          >
            {t('datasets.sample', { index: finding.index })}:{' '}
            {t(`datasets.finding.${finding.code}.message`, {
              ...finding.params,
              defaultValue: finding.message,
            })}{' '}
            <span className="muted">
              {t('datasets.fix')}:{' '}
              {t(`datasets.finding.${finding.code}.fix`, {
                ...finding.params,
                defaultValue: finding.fix,
              })}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function CutoffPanel({ datasetDir, dataset }: { datasetDir: string; dataset: string }) {
  const { t } = useTranslation();
  const [modelPath, setModelPath] = useState(() => useTrainForm.getState().form.model_name_or_path);
  const [cutoffLen, setCutoffLen] = useState(() => useTrainForm.getState().form.cutoff_len);
  const analysis = useMutation({
    mutationFn: () =>
      postAnalysis({
        dataset_dir: datasetDir,
        dataset: [dataset],
        model_name_or_path: modelPath,
        cutoff_len: cutoffLen,
      }),
  });
  return (
    <div className="panel">
      <h3>{t('datasets.analysis')}</h3>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          analysis.mutate();
        }}
      >
        <label>
          {t('datasets.modelPath')}{' '}
          <input
            data-testid="analysis-model"
            value={modelPath}
            onChange={(e) => setModelPath(e.target.value)}
          />
        </label>{' '}
        <label>
          {t('datasets.cutoffLen')}{' '}
          <input
            data-testid="analysis-cutoff"
            type="number"
            min={1}
            value={cutoffLen}
            onChange={(e) => setCutoffLen(Number(e.target.value))}
          />
        </label>{' '}
        <button type="submit" data-testid="analysis-run">
          {t('datasets.analyze')}
        </button>
      </form>
      {analysis.error && <p className="error">{analysis.error.message}</p>}
      {analysis.data && <AnalysisResult analysis={analysis.data} />}
    </div>
  );
}

const AnalysisResult = memo(function AnalysisResult({ analysis }: { analysis: CutoffAnalysis }) {
  const { t } = useTranslation();
  const data = analysis.histogram.map((bin) => ({ tokens: bin.start, count: bin.count }));
  return (
    <div>
      <p
        data-testid="cutoff-verdict"
        data-verdict={analysis.verdict}
        data-recommended={analysis.recommendedCutoffLen}
        className={`verdict verdict-${analysis.verdict}`}
      >
        {t(`datasets.verdict_${analysis.verdict}`, {
          share: `${(analysis.truncatedShare * 100).toFixed(1)}%`,
          count: analysis.audioCutCount,
          recommended: analysis.recommendedCutoffLen,
        })}
      </p>
      <p>{t('datasets.recommended', { value: analysis.recommendedCutoffLen })}</p>
      <BarChart width={640} height={240} data={data}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis
          dataKey="tokens"
          label={{ value: t('datasets.tokens'), position: 'insideBottom', offset: -2 }}
        />
        <YAxis allowDecimals={false} />
        <Tooltip />
        <Bar
          dataKey="count"
          name={t('datasets.sampleCount')}
          fill="#4e79a7"
          isAnimationActive={false}
        />
        <ReferenceLine
          x={data.findLast((bin) => bin.tokens <= analysis.cutoffLen)?.tokens ?? 0}
          stroke="#e15759"
          label="cutoff_len"
        />
      </BarChart>
    </div>
  );
});

function UploadForm({ datasetDir, onUploaded }: { datasetDir: string; onUploaded: () => void }) {
  const { t } = useTranslation();
  const upload = useMutation({ mutationFn: postUpload, onSuccess: onUploaded });
  return (
    <form
      className="panel"
      data-testid="dataset-upload"
      onSubmit={(event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        form.set('dataset_dir', datasetDir);
        upload.mutate(form);
      }}
    >
      <h3>{t('datasets.upload')}</h3>
      <label>
        {t('datasets.uploadName')} <input name="name" required />
      </label>
      <label>
        {t('datasets.uploadData')}{' '}
        <input name="data" type="file" accept=".json,.jsonl,.csv" required />
      </label>
      <label>
        {t('datasets.uploadArchive')}{' '}
        <input name="archive" type="file" accept=".zip,.tar,.tgz,.gz" />
      </label>
      <label>
        {t('datasets.uploadPrompt')} <input name="prompt" />
      </label>
      <button type="submit">{t('datasets.uploadSubmit')}</button>
      {upload.error && <p className="error">{upload.error.message}</p>}
      {upload.data && <p>{t('datasets.uploaded', upload.data)}</p>}
    </form>
  );
}
