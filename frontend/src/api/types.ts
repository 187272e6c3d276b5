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
