//! The sync protocol: JSON messages, one per line, over a pair of byte streams (a child's
//! stdin/stdout, or ssh's). Versioned, so an old and a new sdm refuse each other clearly.

use std::io::{BufRead, Read, Write};

use serde::{Deserialize, Serialize};

use super::SyncError;

pub const PROTOCOL: u32 = 1;

/// Rows travel in batches of this many.
pub const BATCH: usize = 500;

/// The longest message line taken from a peer (a batch of rows with long notes fits well).
pub const MAX_LINE: u64 = 64 << 20;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Msg {
    Hello {
        protocol: u32,
        schema: i64,
        replica: String,
        /// When each kind of data was last imported (kind, unix seconds, file, rows): both
        /// copies keep the latest, so freshness is right on either.
        #[serde(default)]
        imports: Vec<(String, i64, String, i64)>,
    },
    /// The client took a new identity because the server had the same one (a copied file).
    Rekeyed {
        replica: String,
    },
    /// Changed rows; `done` on the last batch.
    Changes {
        rows: Vec<WireRow>,
        done: bool,
    },
    /// The sender has committed what it received; `hlc` is the stamp it gave the merge, so
    /// the receiver's clock moves past it.
    Committed {
        hlc: String,
    },
    Error {
        message: String,
    },
}

/// One row: its table and every column's value, in the table's column order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WireRow {
    pub t: String,
    pub v: Vec<serde_json::Value>,
}

/// A message stream that counts the bytes it moves.
pub struct Link<R, W> {
    reader: R,
    writer: W,
    pub sent: u64,
    pub received: u64,
    line: String,
}

impl<R: BufRead, W: Write> Link<R, W> {
    pub fn new(reader: R, writer: W) -> Self {
        Link {
            reader,
            writer,
            sent: 0,
            received: 0,
            line: String::new(),
        }
    }

    pub fn send(&mut self, msg: &Msg) -> Result<(), SyncError> {
        let mut text = serde_json::to_string(msg).map_err(|e| SyncError::Protocol(e.to_string()))?;
        text.push('\n');
        self.writer.write_all(text.as_bytes()).map_err(SyncError::Link)?;
        self.writer.flush().map_err(SyncError::Link)?;
        self.sent += text.len() as u64;
        Ok(())
    }

    pub fn recv(&mut self) -> Result<Msg, SyncError> {
        self.line.clear();
        // A line is one message: bounded, so a peer cannot make this side hold any amount.
        let n = (&mut self.reader)
            .take(MAX_LINE)
            .read_line(&mut self.line)
            .map_err(SyncError::Link)?;
        if n == 0 {
            return Err(SyncError::Closed);
        }
        if n as u64 >= MAX_LINE && !self.line.ends_with('\n') {
            return Err(SyncError::Protocol(format!(
                "the peer sent a message of more than {} MiB; nothing was changed here",
                MAX_LINE >> 20
            )));
        }
        self.received += n as u64;
        let msg: Msg = serde_json::from_str(self.line.trim_end())
            .map_err(|e| SyncError::Protocol(format!("the peer sent something that is not sdm sync: {e}")))?;
        if let Msg::Error { message } = &msg {
            return Err(SyncError::Peer(message.clone()));
        }
        Ok(msg)
    }
}
