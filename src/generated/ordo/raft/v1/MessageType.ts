// Original file: proto/raft.proto

export const MessageType = {
  PRE_VOTE: 'PRE_VOTE',
  PRE_VOTE_RESP: 'PRE_VOTE_RESP',
  REQUEST_VOTE: 'REQUEST_VOTE',
  REQUEST_VOTE_RESP: 'REQUEST_VOTE_RESP',
  APPEND_ENTRIES: 'APPEND_ENTRIES',
  APPEND_ENTRIES_RESP: 'APPEND_ENTRIES_RESP',
  HEARTBEAT: 'HEARTBEAT',
  HEARTBEAT_RESP: 'HEARTBEAT_RESP',
  TIMEOUT_NOW: 'TIMEOUT_NOW',
} as const;

export type MessageType =
  | 'PRE_VOTE'
  | 0
  | 'PRE_VOTE_RESP'
  | 1
  | 'REQUEST_VOTE'
  | 2
  | 'REQUEST_VOTE_RESP'
  | 3
  | 'APPEND_ENTRIES'
  | 4
  | 'APPEND_ENTRIES_RESP'
  | 5
  | 'HEARTBEAT'
  | 6
  | 'HEARTBEAT_RESP'
  | 7
  | 'TIMEOUT_NOW'
  | 8

export type MessageType__Output = typeof MessageType[keyof typeof MessageType]
