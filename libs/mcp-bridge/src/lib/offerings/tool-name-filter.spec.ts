import { toolNameFilter } from './tool-name-filter';

describe('toolNameFilter', () => {
  it('keeps names matching an include glob and none matching an exclude glob', () => {
    const keep = toolNameFilter(['read_*', 'list_directory'], ['read_media_*']);
    expect(['read_text_file', 'read_media_file', 'list_directory', 'write_file', 'list_directory_x'].filter(keep)).toEqual(['read_text_file', 'list_directory']);
  });

  it('treats dots and other characters literally', () => {
    expect(toolNameFilter(['a.b'], [])('axb')).toBe(false);
  });
});
