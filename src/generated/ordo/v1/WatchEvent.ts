// Original file: proto/log.proto

import type { Long } from '@grpc/proto-loader';

// Original file: proto/log.proto

export const _ordo_v1_WatchEvent_Kind = {
  PUT: 'PUT',
  DELETE: 'DELETE',
} as const;

export type _ordo_v1_WatchEvent_Kind =
  | 'PUT'
  | 0
  | 'DELETE'
  | 1

export type _ordo_v1_WatchEvent_Kind__Output = typeof _ordo_v1_WatchEvent_Kind[keyof typeof _ordo_v1_WatchEvent_Kind]

export interface WatchEvent {
  'kind'?: (_ordo_v1_WatchEvent_Kind);
  'key'?: (Buffer | Uint8Array | string);
  'value'?: (Buffer | Uint8Array | string);
  'revision'?: (number | string | Long);
  'createRevision'?: (number | string | Long);
  'modRevision'?: (number | string | Long);
  'version'?: (number | string | Long);
}

export interface WatchEvent__Output {
  'kind': (_ordo_v1_WatchEvent_Kind__Output);
  'key': (Buffer);
  'value': (Buffer);
  'revision': (number);
  'createRevision': (number);
  'modRevision': (number);
  'version': (number);
}
