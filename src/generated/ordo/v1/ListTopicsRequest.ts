// Original file: proto/log.proto


export interface ListTopicsRequest {
}

export interface ListTopicsRequest__Output {
}
