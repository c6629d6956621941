/** The pure Raft core: the algorithm and its vocabulary, with no I/O of any kind. */
export { RaftCore } from './raft';
export { SeededRand } from './rand';
export { quorumSize } from './quorum';
export * from './types';
