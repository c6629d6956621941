// Original file: proto/etcd/etcdserverpb/rpc.proto


export interface HashRequest {
}

export interface HashRequest__Output {
}
