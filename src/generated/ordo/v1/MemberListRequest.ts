// Original file: proto/kv.proto


export interface MemberListRequest {
}

export interface MemberListRequest__Output {
}
