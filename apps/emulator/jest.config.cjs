// Named apart from packages/emulator, whose directory has the same name.
module.exports = {
  ...require('../../jest.preset.cjs')(__dirname),
  displayName: 'emulator-server',
};
