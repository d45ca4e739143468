using LuckyGas.AppHost.Hosting;
using LuckyGas.AppHost.PgBouncer;
using LuckyGas.AppHost.Postgres;

var builder = DistributedApplication.CreateBuilder(args);

// Run mode keeps every server's data and configuration under one state folder, with ports
// chosen once per folder; servers that refuse root run as the postgres account.
var state = StateDirectory.Resolve(builder);
var ports = PortRegistry.Load(state);
var account = ServerAccount.Detect();

// PostgreSQL: three nodes with quorum synchronous replication and repmgrd, pgBouncer in front.
var postgres = builder.AddPostgresCluster(state, ports, account);
var pgbouncer = builder.AddPgBouncer(state, ports, account, postgres);

builder.Build().Run();
