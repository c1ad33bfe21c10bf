//! Group commit for public submissions.
//!
//! Under load, many people submit at once. Writing each item in its own transaction makes
//! them queue for SQLite's single writer (and, on PostgreSQL, for one disk flush each).
//! Instead, submissions hand their prepared rows to one writer task, which takes whatever
//! has queued up, writes it with one multi-row statement per table in one transaction, and
//! answers each submitter. If the batch fails (a repeated submission key, say), each item
//! is written again on its own, so one bad item never costs the others.

use super::intake::{Prepared, write_one};
use crate::{ServiceError, ServiceResult};
use std::collections::HashMap;
use store::Db;
use store::feedback as fb;
use tokio::sync::{mpsc, oneshot};

/// At most this many items go into one transaction.
const MAX_BATCH: usize = 128;

struct Pending {
    item: Prepared,
    reply: oneshot::Sender<ServiceResult<i64>>,
}

/// The sending side; the writer task ends when the last handle is dropped.
pub(crate) struct IntakeWriter(mpsc::Sender<Pending>);

impl IntakeWriter {
    pub fn start(db: Db) -> IntakeWriter {
        let (tx, rx) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(run(db, rx));
        IntakeWriter(tx)
    }

    /// Writes the item with whatever else is waiting; gives its id.
    pub async fn write(&self, item: Prepared) -> ServiceResult<i64> {
        let (reply, answer) = oneshot::channel();
        self.0
            .send(Pending { item, reply })
            .await
            .map_err(|_| ServiceError::Internal("the intake writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| ServiceError::Internal("the intake writer dropped a submission".into()))?
    }
}

async fn run(db: Db, mut rx: mpsc::Receiver<Pending>) {
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        match write_batch(&db, &batch).await {
            Ok(ids) => {
                for (pending, id) in batch.into_iter().zip(ids) {
                    let _ = pending.reply.send(Ok(id));
                }
            }
            Err(_) => {
                for pending in batch {
                    let outcome = write_alone(&db, &pending.item).await;
                    let _ = pending.reply.send(outcome);
                }
            }
        }
    }
}

/// All items in one transaction; gives their ids in the batch's order.
async fn write_batch(db: &Db, batch: &[Pending]) -> ServiceResult<Vec<i64>> {
    let tx = db.begin().await?;
    let rows = batch.iter().map(|p| p.item.row.clone()).collect();
    let written: HashMap<String, i64> = fb::insert_many_returning(&tx, rows)
        .await?
        .into_iter()
        .map(|(id, no)| (no, id))
        .collect();
    let ids: Vec<i64> = batch
        .iter()
        .map(|p| written.get(&p.item.receipt.tracking_no).copied())
        .collect::<Option<_>>()
        .ok_or_else(|| ServiceError::Internal("a batch lost an item".into()))?;
    let events = batch
        .iter()
        .zip(&ids)
        .flat_map(|(p, id)| {
            p.item
                .events
                .iter()
                .cloned()
                .map(move |e| fb::EventInsert { feedback: *id, ..e })
        })
        .collect();
    fb::insert_events(&tx, events).await?;
    let plans: Vec<_> = batch
        .iter()
        .zip(&ids)
        .map(|(p, id)| {
            let subject = store::reminders::Subject::Feedback(*id);
            (p.item.row.tenant, subject, p.item.reminders.clone())
        })
        .collect();
    store::reminders::plan_new(&tx, &plans).await?;
    tx.commit().await?;
    Ok(ids)
}

async fn write_alone(db: &Db, item: &Prepared) -> ServiceResult<i64> {
    let tx = db.begin().await?;
    let id = write_one(&tx, item).await?;
    tx.commit().await?;
    Ok(id)
}
