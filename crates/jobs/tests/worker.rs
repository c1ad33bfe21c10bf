//! The worker, on both engines, with a clock the test controls.

use domain::{Clock, ManualClock, Timestamp};
use jobs::{Handler, Job, JobError, NewJob, Queue, Schedule, Worker};
use std::sync::{Arc, Mutex};
use store::Db;

const START: Timestamp = Timestamp(1_795_327_380_000);

/// Records each run; fails the first `failures` runs.
#[derive(Clone, Default)]
struct Recorder {
    runs: Arc<Mutex<Vec<(String, i64)>>>,
    failures: Arc<Mutex<usize>>,
    fatal: bool,
}

#[async_trait::async_trait]
impl Handler for Recorder {
    fn kind(&self) -> &'static str {
        "test.record"
    }
    async fn run(&self, job: &Job) -> Result<(), JobError> {
        self.runs
            .lock()
            .unwrap()
            .push((job.payload["n"].to_string(), job.attempt));
        let mut failures = self.failures.lock().unwrap();
        if *failures > 0 {
            *failures -= 1;
            return Err(if self.fatal {
                JobError::Fatal("no".into())
            } else {
                JobError::Retry("later".into())
            });
        }
        Ok(())
    }
}

#[derive(Clone, Default)]
struct Sweep(Arc<Mutex<Vec<i64>>>);

#[async_trait::async_trait]
impl Handler for Sweep {
    fn kind(&self) -> &'static str {
        "test.sweep"
    }
    async fn run(&self, job: &Job) -> Result<(), JobError> {
        self.0.lock().unwrap().push(job.due_at.0);
        Ok(())
    }
}

fn worker(
    db: &Db,
    clock: &ManualClock,
    name: &str,
    recorder: &Recorder,
    sweep: &Sweep,
) -> (Worker, Queue) {
    let queue = Queue::new(Arc::new(clock.clone()));
    let worker = Worker::new(db.clone(), Arc::new(clock.clone()), queue.clone(), name)
        .handle(recorder.clone())
        .handle(sweep.clone())
        .every(Schedule {
            kind: "test.sweep",
            every_ms: 60_000,
        });
    (worker, queue)
}

testkit::on_both_engines! {
    async fn a_failing_job_is_retried_with_backoff_then_succeeds(db: Db) {
        let clock = ManualClock::new(START);
        let recorder = Recorder { failures: Arc::new(Mutex::new(1)), ..Default::default() };
        let (w, queue) = worker(&db, &clock, "w1", &recorder, &Sweep::default());
        queue.enqueue(&db, NewJob::new("test.record", serde_json::json!({"n": 1}))).await.unwrap();

        assert_eq!(w.run_due().await.unwrap(), 2, "the job and this minute's sweep");
        assert_eq!(w.run_due().await.unwrap(), 0, "the retry waits for its backoff");
        clock.advance_ms(29_000);
        assert_eq!(w.run_due().await.unwrap(), 0);
        clock.advance_ms(1_000);
        assert_eq!(w.run_due().await.unwrap(), 1);
        assert_eq!(*recorder.runs.lock().unwrap(), vec![("1".into(), 1), ("1".into(), 2)]);
    }

    async fn a_fatal_error_is_not_retried(db: Db) {
        let clock = ManualClock::new(START);
        let recorder = Recorder { failures: Arc::new(Mutex::new(5)), fatal: true, ..Default::default() };
        let (w, queue) = worker(&db, &clock, "w1", &recorder, &Sweep::default());
        let id = queue.enqueue(&db, NewJob::new("test.record", serde_json::json!({"n": 2}))).await.unwrap().unwrap();
        w.run_due().await.unwrap();
        clock.advance_ms(3_600_000);
        w.run_due().await.unwrap();
        assert_eq!(recorder.runs.lock().unwrap().len(), 1);
        assert_eq!(store::jobs::find(&db, id).await.unwrap().unwrap().status, store::jobs::DEAD);
    }

    async fn the_same_dedupe_key_queues_one_job(db: Db) {
        let clock = ManualClock::new(START);
        let recorder = Recorder::default();
        let (w, queue) = worker(&db, &clock, "w1", &recorder, &Sweep::default());
        for _ in 0..3 {
            queue.enqueue(&db, NewJob::new("test.record", serde_json::json!({"n": 3})).dedupe("reminder:feedback:9:first")).await.unwrap();
        }
        w.run_due().await.unwrap();
        // Even after it ran, the key stays taken: a reminder is sent once.
        queue.enqueue(&db, NewJob::new("test.record", serde_json::json!({"n": 3})).dedupe("reminder:feedback:9:first")).await.unwrap();
        w.run_due().await.unwrap();
        assert_eq!(recorder.runs.lock().unwrap().len(), 1);
    }

    async fn a_schedule_runs_once_per_period_across_two_nodes(db: Db) {
        let clock = ManualClock::new(START);
        let sweep = Sweep::default();
        let (a, _) = worker(&db, &clock, "node-a", &Recorder::default(), &sweep);
        let (b, _) = worker(&db, &clock, "node-b", &Recorder::default(), &sweep);
        a.run_due().await.unwrap();
        b.run_due().await.unwrap();
        clock.advance_ms(30_000);
        b.run_due().await.unwrap();
        clock.advance_ms(60_000);
        a.run_due().await.unwrap();
        b.run_due().await.unwrap();
        let periods = sweep.0.lock().unwrap().clone();
        assert_eq!(periods.len(), 2, "{periods:?}");
        assert_eq!(periods[1] - periods[0], 60_000);
    }

    async fn a_job_survives_a_worker_that_died_holding_it(db: Db) {
        let clock = ManualClock::new(START);
        let recorder = Recorder::default();
        let queue = Queue::new(Arc::new(clock.clone()));
        queue.enqueue(&db, NewJob::new("test.record", serde_json::json!({"n": 4}))).await.unwrap();
        // A worker claims it and dies before running it.
        let claimed = store::jobs::claim(&db, "dead-node", clock.now(), clock.now().plus_ms(300_000), 10).await.unwrap();
        assert_eq!(claimed.len(), 1);
        let (w, _) = worker(&db, &clock, "restarted", &recorder, &Sweep::default());
        w.run_due().await.unwrap();
        assert!(recorder.runs.lock().unwrap().is_empty(), "not while the lease holds");
        clock.advance_ms(300_001);
        w.run_due().await.unwrap();
        assert_eq!(*recorder.runs.lock().unwrap(), vec![("4".into(), 2)]);
    }
}
