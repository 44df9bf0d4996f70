import { admissionWindow } from '../src/fair-dispatch';

describe('admissionWindow', () => {
  it("keeps about one second of Adobe's submit budget admitted, within 4 and 64", () => {
    // Adobe asks for at most 15 submits in 3 s: 5 a second in real time, 50 at a tenth.
    expect(admissionWindow(1)).toBe(5);
    expect(admissionWindow(0.1)).toBe(50);
    expect(admissionWindow(10)).toBe(4);
    expect(admissionWindow(0.0001)).toBe(64);
  });
});
