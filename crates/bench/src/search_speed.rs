//! Placeholder: filled in by the search work (issue 3).

#[derive(clap::Args)]
pub struct Options {}

pub async fn run(_options: Options) -> anyhow::Result<()> {
    anyhow::bail!("not written yet")
}
