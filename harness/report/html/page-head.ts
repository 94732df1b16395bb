// The start of every report page: doctype, the head (viewport, light and dark, the page's own
// inlined style) and the opening body tag. `title` must already be HTML-escaped.

export function pageHead(title: string, style: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${title}</title>
<style>${style}</style>
</head>
<body>`;
}
