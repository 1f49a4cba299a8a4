// Doctor's knowledge of SQLite: a file, without a server, accounts or a time zone of its own; what the
// user running hub-etl may do to the file and its folder is all there is to grant.
import type { DoctorFamily } from './family.js';

export const sqliteFamily: DoctorFamily = {
  async connectSource(db, report, synthetic) {
    report({ name: 'connect', level: 'ok', message: `${db.label} opened read-only${synthetic ? ' (a synthetic store written by hub-etl generate)' : ''}` });
  },

  async connectWarehouse(db, report) {
    report({ name: 'connect', level: 'ok', message: `${db.label}: opened` });
  },

  serverZone: async () => null,
  writeGrants: async () => null,
  missingPrivileges: async () => [],

  readGrant: () => 'let the user running hub-etl read the file',
  warehouseGrant: () => 'give the user running hub-etl write access to the file and its folder',
  createDatabase: () => 'run "hub-etl migrate" to create it',
};
