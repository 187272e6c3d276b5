// The node's HTTP contract, as the interface uses it. The wire types are generated from the Go
// types into ./generated.ts (go run ./backend/api/tsgen); this file names them for the
// components and adds the interface's own types.

import type { Aria } from './generated';

export type {
  ApiErrorBody,
  ApiErrorObject,
  Capabilities,
  CatalogueEntry,
  ContributionStatus,
  DownloadState,
  EnergyKind,
  EventMap,
  GenerationEvent,
  IDAnswer,
  LedgerEntry,
  LedgerEvent,
  LedgerKind,
  LedgerList,
  LedgerProblem,
  LedgerReport,
  Liar,
  LiarEvent,
  LoadedModel,
  LocalModel,
  MemoryReembedEvent,
  MemoryStatus,
  MetricsEvent,
  ModelCap,
  ModelFile,
  ModelsResponse,
  ModelStatus,
  NameAnswer,
  NetworkInfo,
  NodeEvent,
  PeerConnection,
  PeerInfo,
  Policy,
  PolicyResponse,
  Progress,
  Receipt,
  ReembedState,
  Route,
  RouteAnswer,
  RouteEvent,
  RouteHop,
  RouteState,
  Status,
  TokenEvent,
  TokenRateEvent,
  Usage,
  VerifyResponse,
} from './generated';

/** AriaStats is the "aria" object of a completion as the interface keeps it: known so far. */
export type AriaStats = Partial<Aria>;

/** ChatMessage is a message the interface sends (the request side, not generated). */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** SamplingSettings are the chat's settings, sent as the request's sampling fields. */
export interface SamplingSettings {
  system: string;
  temperature: number;
  top_p: number;
  max_tokens: number;
  seed: number | null;
  /** re-execute every peer's share of each answer on this node ("verify": "full") */
  verify: boolean;
}
