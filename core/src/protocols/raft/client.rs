//! Client requests (§4.7): the replicated state machine with its per-client sessions, and the modelled client.
//!
//! The state machine remembers, for every client, the last sequence number it executed and that command's result.
//! A command whose sequence number was already executed is not executed again: it still occupies its log index
//! (every server applies it, in the same place), but the state machine skips it, and a leader that receives the
//! retry of an executed command answers from the cache without appending anything. That is what turns a client's
//! at-least-once retries into exactly-once execution.
//!
//! The modelled client (`clientEvery`) lives in the process of one server (`clientNode`, default the first in id
//! order) and sends a command every `clientEvery` ms, one at a time, to the server it believes is leader. A
//! rejection's leader hint redirects it at once; a request left unanswered for `clientRetry` ms is re-sent, with
//! the same sequence number, to the next server. It dies with its host and comes back with a fresh client id
//! (`<host>@<monotonic clock at boot>`) when the host recovers.

use super::state::{ClientTag, Entry, Text};
use crate::sim::ChunkedVec;
use crate::vecmap::VecMap;

/// The replicated state machine: executes commands in log order, once per `(clientId, seq)`.
#[derive(Clone, Debug, Default)]
pub struct StateMachine {
    /// clientId → (last executed seq, its result).
    sessions: VecMap<Text, (u64, u64)>,
    /// The commands executed, with their indices, in index order.
    executed: ChunkedVec<(u64, Text)>,
}

impl StateMachine {
    /// Applies the entry at `index`: returns whether it was executed and the result the client gets (the index at
    /// which the command was executed; 0 for a retry of a command older than the client's last one).
    pub fn apply(&mut self, index: u64, e: &Entry) -> (bool, u64) {
        if e.noop {
            return (false, index);
        }
        if let Some(t) = &e.client {
            if let Some(&(seq, result)) = self.sessions.get(&t.id) {
                if t.seq <= seq {
                    return (false, if t.seq == seq { result } else { 0 });
                }
            }
            self.sessions.insert(t.id.clone(), (t.seq, index));
        }
        self.executed.push((index, e.cmd.clone()));
        (true, index)
    }

    /// The cached result when this client's `seq` was already executed.
    pub fn cached(&self, t: &ClientTag) -> Option<u64> {
        self.sessions.get(&t.id).filter(|(seq, _)| t.seq <= *seq).map(|&(seq, r)| if t.seq == seq { r } else { 0 })
    }

    /// Executed commands in index order.
    pub fn executed(&self) -> &ChunkedVec<(u64, Text)> {
        &self.executed
    }

    /// clientId → last executed seq.
    pub fn sessions(&self) -> impl Iterator<Item = (&Text, u64)> {
        self.sessions.iter().map(|(k, (s, _))| (k, *s))
    }
}

/// A request of the modelled client that has not been answered yet.
#[derive(Clone, Debug)]
pub struct Outstanding {
    /// Its sequence number.
    pub seq: u64,
    /// Its command.
    pub cmd: Text,
    /// Monotonic time it was last sent (`None`: waiting for the next tick to be re-sent).
    pub sent_at: Option<i64>,
    /// Redirections followed since the last tick (bounds hint ping-pong between stale servers).
    pub hops: u32,
}

/// The modelled client hosted by one server.
#[derive(Clone, Debug)]
pub struct ClientDriver {
    /// Client id (fresh per incarnation of the host).
    pub id: Text,
    /// Next sequence number.
    pub next_seq: u64,
    /// The server it believes is leader.
    pub target: usize,
    /// The request in flight.
    pub pending: Option<Outstanding>,
    /// Commands answered so far.
    pub done: u64,
}
