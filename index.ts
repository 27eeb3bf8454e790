// n8n loads the nodes and the credential through the `n8n` block of package.json.
export {};
