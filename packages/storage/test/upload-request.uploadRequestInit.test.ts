import { uploadRequestInit } from '../src';

describe('uploadRequestInit', () => {
  it('says how each kind of write URL takes its bytes', () => {
    expect(uploadRequestInit('external')).toEqual({ method: 'PUT', headers: {} });
    expect(uploadRequestInit('external', 'image/png')).toEqual({
      method: 'PUT',
      headers: { 'Content-Type': 'image/png' },
    });
    expect(uploadRequestInit('azure')).toEqual({
      method: 'PUT',
      headers: { 'x-ms-blob-type': 'BlockBlob' },
    });
    expect(uploadRequestInit('dropbox', 'image/png')).toEqual({
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream' },
    });
  });
});
