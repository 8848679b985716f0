import { formatToolResult } from './tool-result.format';

describe('formatToolResult', () => {
  it('prints structuredContent as indented JSON, ignoring the text copy', () => {
    expect(formatToolResult({ content: [{ type: 'text', text: '{"a":1}' }], structuredContent: { a: 1 } })).toBe('{\n  "a": 1\n}\n');
  });

  it('prints text as text and summarises binary content', () => {
    const png = Buffer.from('12345').toString('base64');
    expect(formatToolResult({
      content: [
        { type: 'text', text: 'hello\n' },
        { type: 'image', data: png, mimeType: 'image/png' },
        { type: 'resource', resource: { uri: 'test://x', text: '{"v":1}' } },
        { type: 'resource', resource: { uri: 'test://bin', blob: png } },
        { type: 'resource_link', uri: 'test://y', name: 'y' },
      ],
    })).toBe('hello\n[image image/png, 5 bytes]\n{"v":1}\n[resource test://bin, 5 bytes]\n[link test://y (y)]\n');
  });

  it('prints nothing for an empty result', () => {
    expect(formatToolResult({ content: [] })).toBe('');
  });
});
