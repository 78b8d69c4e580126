//! Case changes for the live streams (the console's queue, a shopper's conversation): each
//! server hears its own changes at once, and on PostgreSQL every server also tells the others
//! with `NOTIFY` and hears theirs with `LISTEN`, so servers on one database behave as one.

use crate::store::CaseStore;
use kefu_api::console::CaseChanged;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;

/// The PostgreSQL notification channel the servers of one database share.
pub const CHANNEL: &str = "kefu_case_changes";

/// Changes buffered for a slow listener before it is told it missed some.
const BUFFERED: usize = 256;

/// How long to wait before listening again after the database refused.
const RELISTEN_AFTER: Duration = Duration::from_secs(1);

/// What a stream hears.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Heard {
    /// A case changed.
    Change(CaseChanged),
    /// Changes may have been missed (the connection to the other servers broke): look again.
    Missed,
    /// The server is shutting down: streams end, so that it can (clients reconnect elsewhere).
    Closing,
}

/// A change as one server tells the others.
#[derive(Serialize, Deserialize)]
struct Notice {
    /// The server that made it, which has told its own streams already.
    origin: String,
    #[serde(flatten)]
    change: CaseChanged,
}

/// Where changes are announced and heard.
#[derive(Clone)]
pub struct Feed {
    local: broadcast::Sender<Heard>,
    /// This server among the others; `None` when no other server can hear (SQLite).
    origin: Option<Arc<str>>,
    store: Arc<dyn CaseStore>,
    closing: Arc<AtomicBool>,
}

impl Feed {
    /// A feed for this server alone.
    pub fn local(store: Arc<dyn CaseStore>) -> Feed {
        Feed {
            local: broadcast::channel(BUFFERED).0,
            origin: None,
            store,
            closing: Arc::default(),
        }
    }

    /// A feed shared with every server on the PostgreSQL database at `url`: starts listening
    /// (failing if the database refuses) and keeps listening until the runtime ends.
    pub async fn shared(store: Arc<dyn CaseStore>, url: &str) -> anyhow::Result<Feed> {
        let origin: Arc<str> = hex::encode(crate::random_bytes::<8>()?).into();
        let mut listener = sqlx::postgres::PgListener::connect(url).await?;
        listener.listen(CHANNEL).await?;
        let feed = Feed {
            local: broadcast::channel(BUFFERED).0,
            origin: Some(origin.clone()),
            store,
            closing: Arc::default(),
        };
        let local = feed.local.clone();
        tokio::spawn(async move {
            loop {
                match listener.try_recv().await {
                    Ok(Some(notification)) => {
                        match serde_json::from_str::<Notice>(notification.payload()) {
                            Ok(notice) if *notice.origin != *origin => {
                                let _ = local.send(Heard::Change(notice.change));
                            }
                            Ok(_) => {}
                            Err(e) => tracing::warn!("unreadable change notice: {e}"),
                        }
                    }
                    // The connection broke; the next call connects and listens again.
                    Ok(None) => {
                        let _ = local.send(Heard::Missed);
                    }
                    Err(e) => {
                        tracing::warn!("listening for other servers' changes: {e}");
                        tokio::time::sleep(RELISTEN_AFTER).await;
                    }
                }
            }
        });
        Ok(feed)
    }

    /// Tells this server's streams, and the other servers, that case `id` changed
    /// (`created`, `message` or `status`).
    pub fn announce(&self, id: i64, change: &'static str) {
        let change = CaseChanged {
            case_id: crate::routes::case_number(id),
            change: change.to_owned(),
        };
        if let Some(origin) = &self.origin {
            let notice = Notice {
                origin: origin.to_string(),
                change: change.clone(),
            };
            let store = self.store.clone();
            tokio::spawn(async move {
                let payload = serde_json::to_string(&notice).unwrap_or_default();
                if let Err(e) = store.notify(CHANNEL, &payload).await {
                    tracing::warn!("telling the other servers of a change: {e}");
                }
            });
        }
        // No stream listening is fine.
        let _ = self.local.send(Heard::Change(change));
    }

    /// Starts hearing changes from now on (or at once that the server is closing).
    pub fn subscribe(&self) -> broadcast::Receiver<Heard> {
        let receiver = self.local.subscribe();
        if self.closing.load(Ordering::SeqCst) {
            // Streams that ended already do not hear it again.
            let _ = self.local.send(Heard::Closing);
        }
        receiver
    }

    /// Ends every live stream, now and later: a graceful shutdown waits for open connections,
    /// and a stream would otherwise hold its connection open for ever.
    pub fn close(&self) {
        self.closing.store(true, Ordering::SeqCst);
        let _ = self.local.send(Heard::Closing);
    }

    /// How many streams are listening.
    pub fn listeners(&self) -> usize {
        self.local.receiver_count()
    }
}
