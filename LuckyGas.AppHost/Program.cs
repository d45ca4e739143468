using LuckyGas.AppHost.Applications;
using LuckyGas.AppHost.Backups;
using LuckyGas.AppHost.Edge;
using LuckyGas.AppHost.Hosting;
using LuckyGas.AppHost.Monitoring;
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
    .WithReference(builder.AddPostgresAdminConnectionString(postgres))
    .WaitFor(postgres.Group);

// Redis: two data nodes watched by three sentinels, through which clients find the master.
var redis = builder.AddRedisCluster(state, ports);
var redisConnection = builder.AddDataConnectionString("luckygas-redis", redis.ConnectionString);

// S3: a local S3-compatible store for backups in run mode; a bucket named by parameters in publish mode.
var backupStorage = builder.AddBackupStorage(state, ports);

// Staff sign-in: the key that signs bearer tokens and the first admin account's password.
var tokenSigningKey = builder.AddGeneratedSecret("token-signing-key");
var adminPassword = builder.AddGeneratedSecret("admin-password");
migrations
    .WithEnvironment("Auth__AdminPassword", adminPassword);

// API keys: the pepper of their keyed hashes.
var apiKeyPepper = builder.AddGeneratedSecret("api-key-pepper");

// API: writes through pgBouncer, reads from the standbys, Redis through the sentinels.
var api = builder.AddInstances<Projects.LuckyGas_Api>("api", instances: 2, ports)
    .ForEach(instance => instance
        .WithEnvironment("Auth__SigningKey", tokenSigningKey)
        .WithEnvironment("ApiKeys__Pepper", apiKeyPepper)
        .WithApiSettings(builder.Configuration, state)
        .WithResetDemoDataCommand(adminPassword)
        .WithReference(database.Write)
        .WithReference(database.Read)
        .WithReference(redisConnection)
        .WithStateDiskPath(state)
        .WaitForCompletion(migrations)
        .WaitFor(pgbouncer)
        .WaitFor(redis.Group));

// Staff web application: calls the API through service discovery; its data protection keys
// live in Postgres (through pgBouncer), so every instance reads the others' cookies.
var web = builder.AddInstances<Projects.LuckyGas_Web>("web", instances: 2, ports)
    .ForEach(instance => instance
        .WithApiReference(api)
        .WithReference(database.Write)
        .WaitFor(pgbouncer)
        .WaitFor(api[0]));

// On a new state folder the key ring is empty. Instances that started together would each
// create a key, and a cookie signed with one would be unknown to the others until their key
// ring refresh, so the later instances wait for the first, which creates the key at start.
foreach (var instance in web.Skip(1))
{
    instance.WaitFor(web[0]);
}

// Backups: dumped from a standby, encrypted, uploaded to S3 and restored on pg-verify to verify;
// every outcome goes to a Slack-compatible webhook when its URL is set.
var slackWebhookUrl = builder.AddOptionalSecret("slack-webhook-url");
var verificationServer = builder.AddVerificationServer(state, ports, account, postgres.PostgresPassword);
var backupWorker = builder.AddBackupWorker(state, ports, database.Read, backupStorage, verificationServer,
        postgres.PostgresPassword, tokenSigningKey, slackWebhookUrl)
    .WithBackupCommands(api[0], adminPassword)
    .WaitFor(postgres.Group);
api.ForEach(instance => instance
    .WithReference(backupWorker));

// Monitoring: Prometheus scrapes every instance and exporter; Alertmanager posts to the webhook.
builder.AddMonitoring(state, ports, postgres, redis, slackWebhookUrl);

// Edge: nginx with TLS in front of the API and web instances.
builder.AddEdge(state, ports, api, web);

// Self-healing: a process that ends without a stop request is restarted through its resource.
// A crashed PostgreSQL or Redis node waits until the cluster has failed over, then rejoins it.
builder.AddResourceSupervisor(state)
    .RestartPostgresNodesAfterFailover(postgres)
    .RestartRedisNodesAfterFailover(redis);

builder.AddReadinessReport(state);

builder.Build().Run();

return 0;
