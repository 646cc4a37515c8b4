//! The interface.

use color_eyre::Result;

use crate::cli::Context;

pub fn launch(_ctx: &Context, _demo: bool) -> Result<()> {
    Ok(())
}
