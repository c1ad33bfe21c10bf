//! The published items most like a text someone is about to send: the feedback form's
//! "others have raised something similar" asks through [`on_board`] before it takes an item
//! in, and `GET /feedback/similar` (`super::similar_api`) asks the same for apps.
//!
//! Only what the board shows: published, cleared items that are still open or were received
//! recently (never held, unpublished, spam, merged or declined ones), with their text as the
//! board shows it. Items count as similar from the similar-item index's "related" bar
//! (`text::similar::RELATED_AT`, applied by [`Services::similar_feedback`]).

use services::feedback::PublicItem;
use services::{Institution, ServiceError, ServiceResult, Services};

/// Items offered at most: what fits above the form on a phone.
pub(crate) const SHOWN: usize = 3;

/// A published item like the text, with how alike they are.
pub(crate) struct Similar {
    /// 0–100.
    pub similarity: u8,
    pub item: PublicItem,
}

/// The published items most like `text`, best first, as the board shows them.
pub(crate) async fn on_board(
    services: &Services,
    institution: &Institution,
    text: &str,
) -> ServiceResult<Vec<Similar>> {
    let found = services
        .feedback()
        .similar_feedback(institution.id, None, text, None, SHOWN)
        .await?;
    let mut out = Vec::with_capacity(found.len());
    for s in found {
        // The board's own view of the item: the staff's redaction where there is one (the
        // index's excerpt is the raw text masked), and whether the public may see it now.
        match services
            .feedback()
            .board_item(institution, &s.tracking_no)
            .await
        {
            Ok((item, _)) => out.push(Similar {
                similarity: s.similarity,
                item,
            }),
            Err(ServiceError::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}
