using LuckyGas.AppHost.Applications;
using LuckyGas.AppHost.Hosting;
using LuckyGas.AppHost.PgBouncer;
using LuckyGas.AppHost.Postgres;
using LuckyGas.AppHost.Redis;
using LuckyGas.AppHost.S3;

var builder = DistributedApplication.CreateBuilder(args);

// Run mode keeps every server's data and configuration under one state folder, with ports
// chosen once per folder. Servers that refuse root run as the postgres account.
var account = ServerAccount.Detect();
if (!StateDirectory.TryResolve(builder, account, out var state, out var stateError))
{
    Console.Error.WriteLine($"The state folder cannot be used: {stateError}");
    return 1;
}

var ports = PortRegistry.Load(state);

// PostgreSQL: three nodes with quorum synchronous replication and repmgrd, pgBouncer in front.
var postgres = builder.AddPostgresCluster(state, ports, account);
var pgbouncer = builder.AddPgBouncer(state, ports, account, postgres);
var database = builder.AddPostgresConnectionStrings(postgres, pgbouncer);

// Migrations: the API in migrate-only mode, run once on the primary before any API instance.
var migrations = builder.AddDatabaseMigrator<Projects.LuckyGas_Api>(database.Migrations)
    .WaitFor(postgres.Group);

// Redis: two data nodes watched by three sentinels, through which clients find the master.
var redis = builder.AddRedisCluster(state, ports);
var redisConnection = builder.AddConnectionString("luckygas-redis", redis.ConnectionString);

// S3: a local S3-compatible store for backups (run mode only).
var s3 = builder.AddS3Store(state, ports);

// Staff sign-in: the key that signs bearer tokens and the first admin account's password.
var tokenSigningKey = builder.AddGeneratedSecret("token-signing-key");
var adminPassword = builder.AddGeneratedSecret("admin-password");
migrations
    .WithEnvironment("Auth__AdminPassword", adminPassword);

// API: writes through pgBouncer, reads from the standbys, Redis through the sentinels.
var api = builder.AddInstances<Projects.LuckyGas_Api>("api", instances: 2, ports)
    .ForEach(instance => instance
        .WithEnvironment("Auth__SigningKey", tokenSigningKey)
        .WithResetDemoDataCommand(adminPassword)
        .WithReference(database.Write)
        .WithReference(database.Read)
        .WithReference(redisConnection)
        .WaitForCompletion(migrations)
        .WaitFor(pgbouncer)
        .WaitFor(redis.Group));

// Staff web application: calls the API through service discovery.
builder.AddInstances<Projects.LuckyGas_Web>("web", instances: 2, ports)
    .ForEach(instance => instance
        .WithApiReference(api)
        .WaitFor(api[0]));

// Backup worker: dumps from a standby and uploads to S3.
builder.AddInstance<Projects.LuckyGas_BackupWorker>("backup-worker", ports)
    .WithReference(database.Read)
    .WithEnvironment("S3__ServiceUrl", S3Store.GetServiceUrl(s3))
    .WaitFor(postgres.Group)
    .WaitFor(s3);

// Self-healing: a process that ends without a stop request is restarted through its resource.
// A crashed PostgreSQL or Redis node waits until the cluster has failed over, then rejoins it.
builder.AddResourceSupervisor(state)
    .RestartPostgresNodesAfterFailover(postgres)
    .RestartRedisNodesAfterFailover(redis);

builder.AddReadinessReport(state);

builder.Build().Run();

return 0;
