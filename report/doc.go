// Package report holds the JSON report contract (schema_version 1, see
// shared/DESIGN.md) as Go types, and one Writer per output format:
//
//   - table (TableWriter): terminal summary and tables, width-aware, ANSI
//     colour only when asked;
//   - json (JSONWriter): the contract itself;
//   - html (HTMLWriter): one self-contained client deliverable, with
//     optional agency branding (WriterOptions.Brand*);
//   - pdf (PDFWriter): the HTML report printed by a PDFPrinter, e.g.
//     report/pdfprint.ChromiumPrinter;
//   - markdown (MarkdownWriter): for tickets and pull requests;
//   - csv (CSVWriter): the findings; CookiesCSVWriter writes the cookie
//     inventory;
//   - junit (JUnitWriter): JUnit XML for CI.
//
// Writers get their io.Writer at construction and have a single Write
// method; they never modify the report. Every string in a report may come
// from a hostile page: each writer escapes it for its format (control
// characters stripped for terminals, html/template and a restrictive
// Content-Security-Policy for HTML, Markdown metacharacters escaped, CSV
// formulas defused, XML escaped). Golden files for every format are in
// testdata/; refresh them with go test ./report -update.
package report
