// Original file: proto/log.proto

import type { WatchEvent as _ordo_v1_WatchEvent, WatchEvent__Output as _ordo_v1_WatchEvent__Output } from '../../ordo/v1/WatchEvent';

export interface WatchResponse {
  'events'?: (_ordo_v1_WatchEvent)[];
}

export interface WatchResponse__Output {
  'events': (_ordo_v1_WatchEvent__Output)[];
}
