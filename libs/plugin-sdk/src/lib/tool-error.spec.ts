import { textResult, ToolError, toolErrorResult } from './tool-error';

describe(ToolError.name, () => {
  describe('instanceof', () => {
    it('recognises a ToolError made by another copy of the SDK (a plugin bundles its own) and nothing else', () => {
      const fromOtherCopy = Object.defineProperty(new Error('x'), Symbol.for('io.pimcp/ToolError'), { value: true });
      expect(fromOtherCopy).toBeInstanceOf(ToolError);
      expect(new ToolError('y')).toBeInstanceOf(ToolError);
      expect(new Error('z')).not.toBeInstanceOf(ToolError);
      expect(null).not.toBeInstanceOf(ToolError);
    });
  });

  describe('toResult', () => {
    it('is an MCP result with isError and the message as text', () => {
      expect(new ToolError('path escapes the root').toResult()).toEqual({ isError: true, content: [{ type: 'text', text: 'path escapes the root' }] });
      expect(toolErrorResult('x')).toEqual(new ToolError('x').toResult());
    });
  });
});

describe('textResult', () => {
  it('carries structured content when given', () => {
    expect(textResult('hi', { a: 1 })).toEqual({ content: [{ type: 'text', text: 'hi' }], structuredContent: { a: 1 } });
  });
});
