// The node's HTTP contract (backend/api), as the interface uses it.

export type EnergyKind = 'measured' | 'estimated';

export interface ModelStatus {
  id: string;
  loaded: boolean;
  path: string;
  kernels: string;
  threads: number;
  synthetic: boolean;
}

export interface Status {
  version: string;
  model: ModelStatus | null;
  address?: string;
  auth_required: boolean;
  energy_kind?: EnergyKind;
  energy_detail?: string;
}

export interface CatalogueEntry {
  id: string;
  name: string;
  description: string;
  repo: string;
  file: string;
  size: number;
  sha256: string;
  synthetic: boolean;
  downloaded: boolean;
}

export interface LocalModel {
  name: string;
  file: string;
  size: number;
  sha256?: string;
  catalogue_id?: string;
  loaded: boolean;
}

export type DownloadState = 'queued' | 'downloading' | 'verifying' | 'done' | 'failed' | 'cancelled';

export interface Progress {
  id: string;
  file: string;
  done: number;
  total: number;
  bytes_per_s: number;
  eta_s: number;
  state: DownloadState;
  error?: string;
}

export interface ModelsResponse {
  catalogue: CatalogueEntry[];
  local: LocalModel[];
  downloads: Progress[];
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface SamplingSettings {
  system: string;
  temperature: number;
  top_p: number;
  max_tokens: number;
  seed: number | null;
}

export interface AriaStats {
  prompt_tokens_per_s?: number;
  tokens_per_s?: number;
  mj_per_token?: number;
  energy_kind?: EnergyKind;
  energy_detail?: string;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface MetricsEvent extends AriaStats {
  cpu_percent: number;
  rss_bytes: number;
  active: boolean;
}

export interface ApiErrorBody {
  error: { message: string; type: string; code?: string | null; param?: string | null };
}

// The network, the contribution policy and the ledger (backend/node/network.go).

/** Route is where this node's requests run. */
export type Route = 'local' | 'remote' | 'pipeline';

export interface ModelCap {
  sha256: string;
  name: string;
  layers: number;
  /** the layer range held, [from, to) */
  from: number;
  to: number;
  bytes: number;
}

export interface Capabilities {
  version: string;
  models: ModelCap[] | null;
  kernels: string;
  threads: number;
  tokens_per_s: number;
  ms_per_layer: number;
  free_memory: number;
  contributing: boolean;
  queue_length: number;
}

export interface PeerInfo {
  id: string;
  addrs: string[] | null;
  caps: Capabilities;
  latency_ms: number;
  seen: string;
}

export interface Policy {
  contribute: boolean;
  max_cpu_percent: number;
  /** 0: no cap */
  max_threads: number;
  /** "" any time, else "HH:MM-HH:MM" local time */
  hours: string;
  pause_on_battery: boolean;
  peer_requests_per_minute: number;
  max_concurrent: number;
}

export interface ContributionStatus {
  contributing: boolean;
  /** why not: "off", "outside hours 22:00-07:00", "on battery"; absent while contributing */
  reason?: string;
  /** peer jobs running */
  active: number;
}

export interface HopStats {
  hop: string;
  steps: number;
  tokens: number;
  last_ms: number;
}

export interface NetworkInfo {
  peer_id: string;
  addrs: string[] | null;
  joined: boolean;
  route: Route;
  peers: PeerInfo[] | null;
  policy: Policy;
  contribution: ContributionStatus;
  last_route: string;
  last_hops: HopStats[] | null;
}

export interface PolicyResponse {
  policy: Policy;
  status: ContributionStatus;
}

export type LedgerKind = 'local' | 'served' | 'hop' | 'remote';

export interface Receipt {
  signer: string;
  payload: string;
  sig: string;
}

export interface LedgerEntry {
  seq: number;
  request_id: string;
  kind: LedgerKind;
  model_sha256: string;
  layer_from: number;
  layer_to: number;
  prompt_tokens: number;
  gen_tokens: number;
  /** unix milliseconds */
  started_at: number;
  duration_ms: number;
  energy_mj: number;
  energy_label: EnergyKind;
  requester: string;
  worker: string;
  input_hash: string;
  output_hash: string;
  prev_hash: string;
  hash: string;
  sig: string;
  receipt?: Receipt;
}

export interface LedgerProblem {
  seq: number;
  kind: string;
  detail: string;
}

export interface VerifyResponse {
  ok: boolean;
  report: { owner: string; entries: number; problems: LedgerProblem[] | null };
}

/** RouteEvent is published when a pipelined request starts (no hops yet) and when it ends. */
export interface RouteEvent {
  request_id: string;
  route: string;
  hops?: HopStats[];
  failovers?: number;
}

export interface LedgerEvent {
  request_id: string;
  kind: LedgerKind;
}
