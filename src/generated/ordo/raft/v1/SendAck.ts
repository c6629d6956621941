// Original file: proto/raft.proto


export interface SendAck {
}

export interface SendAck__Output {
}
