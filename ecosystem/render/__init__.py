"""Everything that turns data into something shown or written: safe output, maps,
reports, exports."""
