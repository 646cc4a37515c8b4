//! `sdm problems`: the problems being worked, for a script or a jump host's login.

use clap::Args;
use color_eyre::Result;

use crate::app::Ctx;
use crate::store::OpenMode;

#[derive(Debug, Args)]
pub struct ProblemsArgs {
    /// Print them as JSON
    #[arg(long)]
    pub json: bool,
    /// Resolved and closed ones too
    #[arg(long)]
    pub all: bool,
}

pub fn run(ctx: &Ctx, args: &ProblemsArgs) -> Result<()> {
    let store = ctx.open(OpenMode::Existing)?;
    let items = crate::app::problems::list(&store, ctx, args.all)?;
    let candidates = crate::app::problems::candidates(&store, ctx, None)?;
    let causes = crate::app::problems::recurring_causes(&store, ctx, None)?;
    let findings = crate::app::problems::shared_findings(&store, ctx)?;
    if args.json {
        say!(
            "{}",
            super::out::json_document(&serde_json::json!({
                "problems": items,
                "candidates": candidates,
                "recurring_causes": causes,
                "shared_findings": findings,
            }))?
        );
        return Ok(());
    }
    if items.is_empty() {
        say!("No problems {}.", if args.all { "on file" } else { "being worked" });
    }
    for p in &items {
        say!("{}", super::agenda::problem_line(p));
        if !p.root_cause.is_empty() {
            say!("    root cause: {}", crate::domain::text::inert(&p.root_cause));
        }
        if !p.workaround.is_empty() {
            say!("    workaround: {}", crate::domain::text::inert(&p.workaround));
        }
        if let Some(effect) = &p.since_fix {
            say!("    {}", crate::domain::text::inert(&effect.said()));
        }
    }
    if !candidates.is_empty() || !causes.is_empty() || !findings.is_empty() {
        say!("\nPossible problems (no problem covers them yet; P on the service raises one)");
        let said = candidates
            .iter()
            .map(|c| (&c.service, c.said()))
            .chain(causes.iter().map(|c| (&c.service, c.said())));
        let findings = findings.iter().map(|f| (f.services.join(", "), f.said()));
        for (service, line) in said.map(|(s, l)| (s.clone(), l)).chain(findings) {
            say!(
                "  {}  {}",
                crate::domain::text::inert(&service),
                crate::domain::text::inert(&line)
            );
        }
    }
    Ok(())
}
