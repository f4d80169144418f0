package protocol

// SpecTable lets the external tests read SPEC.md's tables with the same
// parser TestSpecMatchesCode uses.
var SpecTable = specTable
