import { normalizeStatus } from '../src';

describe('normalizeStatus: v2 auto-crop results', () => {
  it('lists every bounding box with an image URL as an output, and boxes without one not', () => {
    const status = normalizeStatus('v2.autoCrop', {
      jobId: 'j1',
      status: 'succeeded',
      result: {
        subject: [{ boundingBoxes: [{ x: 1, y: 2, width: 3, height: 4, url: 'https://h/s.jpg' }] }],
        objects: [
          {
            objectName: 'cup',
            confidence: 0.9,
            boundingBoxes: [{ x: 0, y: 0, width: 1, height: 1 }],
          },
        ],
        crops: [
          { boundingBoxes: [{ x: 0, y: 0, width: 5, height: 5, url: 'https://h/c0.jpg' }] },
          { boundingBoxes: [{ x: 0, y: 0, width: 6, height: 6, url: 'https://h/c1.jpg' }] },
        ],
      },
    });
    expect(status.state).toBe('succeeded');
    expect(status.outputs.map((o) => o.href)).toEqual([
      'https://h/s.jpg',
      'https://h/c0.jpg',
      'https://h/c1.jpg',
    ]);
  });
});
