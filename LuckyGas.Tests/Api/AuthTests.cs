using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Aspire.Hosting.Testing;
using LuckyGas.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LuckyGas.Tests.Api;

[Collection(SharedPlatform.Name)]
public sealed class AuthTests(PlatformFixture fixture)
{
    private const string TokenPath = "/api/v1/auth/token";
    private const string MePath = "/api/v1/auth/me";
    private const string UsersPath = "/api/v1/auth/users";
    private const string ProblemJson = "application/problem+json";

    private static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Token_AdminPassword_ReturnsBearerToken()
    {
        var cancellationToken = TestContext.Token(TestTimeout);
        using var client = CreateClient("api-1");
        var before = DateTimeOffset.UtcNow;

        using var response = await client.PostAsJsonAsync(TokenPath,
            new { userName = "admin", password = fixture.Platform.Secrets.AdminPassword }, cancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ReadJsonAsync(response, cancellationToken);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("accessToken").GetString()));
        Assert.Equal("Bearer", body.GetProperty("tokenType").GetString());
        Assert.Equal("admin", body.GetProperty("userName").GetString());
        Assert.Equal("Admin", body.GetProperty("role").GetString());
        var expiresAt = body.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expiresAt, before.AddHours(8).AddSeconds(-5), DateTimeOffset.UtcNow.AddHours(8).AddSeconds(5));
    }

    [Fact]
    public async Task Token_WrongPassword_Returns401Problem()
    {
        var cancellationToken = TestContext.Token(TestTimeout);
        using var client = CreateClient("api-1");

        using var response = await client.PostAsJsonAsync(TokenPath,
            new { userName = "admin", password = "not-the-admin-password" }, cancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
        var problem = await ReadJsonAsync(response, cancellationToken);
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Token_UnknownUser_MatchesWrongPassword()
    {
        var cancellationToken = TestContext.Token(TestTimeout);
        using var client = CreateClient("api-1");

        using var wrongPassword = await client.PostAsJsonAsync(TokenPath,
            new { userName = "admin", password = "not-the-admin-password" }, cancellationToken);
        using var unknownUser = await client.PostAsJsonAsync(TokenPath,
            new { userName = UniqueUserName("nobody"), password = "not-the-admin-password" }, cancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, unknownUser.StatusCode);
        Assert.Equal(ProblemJson, unknownUser.Content.Headers.ContentType?.MediaType);
        var expected = await ReadJsonAsync(wrongPassword, cancellationToken);
        var actual = await ReadJsonAsync(unknownUser, cancellationToken);
        Assert.Equal(expected.GetProperty("title").GetString(), actual.GetProperty("title").GetString());
        Assert.Equal(expected.GetProperty("detail").GetString(), actual.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Token_EmptyFields_Returns400NamingBoth()
    {
        var cancellationToken = TestContext.Token(TestTimeout);
        using var client = CreateClient("api-1");

        using var response = await client.PostAsJsonAsync(TokenPath, new { userName = "", password = "" }, cancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
        var errors = (await ReadJsonAsync(response, cancellationToken)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("userName", out _), errors.ToString());
        Assert.True(errors.TryGetProperty("password", out _), errors.ToString());
    }

    [Fact]
    public async Task Me_WithoutToken_Returns401Problem()
    {
        var cancellationToken = TestContext.Token(TestTimeout);
        using var client = CreateClient("api-1");

        using var response = await client.GetAsync(MePath, cancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        var problem = await ReadJsonAsync(response, cancellationToken);
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Me_WithAdminToken_ReturnsAdmin()
    {
        var cancellationToken = TestContext.Token(TestTimeout);
        using var client = await SignInAsync("api-1", "admin", fixture.Platform.Secrets.AdminPassword, cancellationToken);

        using var response = await client.GetAsync(MePath, cancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ReadJsonAsync(response, cancellationToken);
        Assert.Equal("admin", body.GetProperty("userName").GetString());
        Assert.Equal("Administrator", body.GetProperty("displayName").GetString());
        Assert.Equal("Admin", body.GetProperty("role").GetString());
    }

    [Fact]
    public async Task CreateUser_Dispatcher_SignsInOnBothInstances()
    {
        var cancellationToken = TestContext.Token(TestTimeout);
        using var admin = await SignInAsAdminAsync(cancellationToken);
        var userName = UniqueUserName("dispatcher");
        var password = NewPassword();

        using var created = await admin.PostAsJsonAsync(UsersPath,
            new { userName, displayName = "王小明", password, role = "Dispatcher" }, cancellationToken);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await ReadJsonAsync(created, cancellationToken);
        Assert.Equal(userName, body.GetProperty("userName").GetString());
        Assert.Equal("王小明", body.GetProperty("displayName").GetString());
        Assert.Equal("Dispatcher", body.GetProperty("role").GetString());
        Assert.True(body.GetProperty("active").GetBoolean());
        Assert.False(body.TryGetProperty("passwordHash", out _), body.ToString());
        Assert.Equal($"{UsersPath}/{body.GetProperty("id").GetInt64()}", created.Headers.Location?.OriginalString);

        // Sign-in reads the primary, so the new account signs in at once on either instance.
        using var first = await SignInAsync("api-1", userName, password, cancellationToken);
        using var second = await SignInAsync("api-2", userName, password, cancellationToken);
        using var me = await second.GetAsync(MePath, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal("Dispatcher", (await ReadJsonAsync(me, cancellationToken)).GetProperty("role").GetString());
    }

    [Fact]
    public async Task Token_FromOneInstance_AcceptedByOther()
    {
        var cancellationToken = TestContext.Token(TestTimeout);
        var token = await RequestTokenAsync("api-1", "admin", fixture.Platform.Secrets.AdminPassword, cancellationToken);
        using var client = CreateClient("api-2", token);

        using var response = await client.GetAsync(MePath, cancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task CreateUser_AsDispatcher_Returns403Problem()
    {
        var cancellationToken = TestContext.Token(TestTimeout);
        using var admin = await SignInAsAdminAsync(cancellationToken);
        var (userName, password) = await CreateUserAsync(admin, "Dispatcher", cancellationToken);
        using var dispatcher = await SignInAsync("api-1", userName, password, cancellationToken);

        using var response = await dispatcher.PostAsJsonAsync(UsersPath,
            new { userName = UniqueUserName("driver"), displayName = "Driver", password = NewPassword(), role = "Driver" },
            cancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
        var problem = await ReadJsonAsync(response, cancellationToken);
        Assert.Equal(403, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task CreateUser_DuplicateUserName_Returns409Problem()
    {
        var cancellationToken = TestContext.Token(TestTimeout);
        using var admin = await SignInAsAdminAsync(cancellationToken);
        var (userName, _) = await CreateUserAsync(admin, "Driver", cancellationToken);

        using var same = await admin.PostAsJsonAsync(UsersPath,
            new { userName, displayName = "Again", password = NewPassword(), role = "Driver" }, cancellationToken);
        using var otherCase = await admin.PostAsJsonAsync(UsersPath,
            new { userName = userName.ToUpperInvariant(), displayName = "Again", password = NewPassword(), role = "Driver" },
            cancellationToken);

        Assert.Equal(HttpStatusCode.Conflict, same.StatusCode);
        Assert.Equal(ProblemJson, same.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Conflict, otherCase.StatusCode);
    }

    [Theory]
    [InlineData("password", "validname", "Name", "short", "Driver")]
    [InlineData("userName", "ab", "Name", "long-enough-password", "Driver")]
    [InlineData("userName", "has space", "Name", "long-enough-password", "Driver")]
    [InlineData("displayName", "validname", " ", "long-enough-password", "Driver")]
    [InlineData("role", "validname", "Name", "long-enough-password", "Boss")]
    [InlineData("role", "validname", "Name", "long-enough-password", "1")]
    public async Task CreateUser_InvalidField_Returns400NamingField(
        string field, string userName, string displayName, string password, string role)
    {
        var cancellationToken = TestContext.Token(TestTimeout);
        using var admin = await SignInAsAdminAsync(cancellationToken);

        // Nothing is stored when a field is invalid, so the same user names can repeat across runs.
        using var response = await admin.PostAsJsonAsync(UsersPath,
            new { userName, displayName, password, role }, cancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
        var errors = (await ReadJsonAsync(response, cancellationToken)).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), errors.ToString());
        Assert.Single(errors.EnumerateObject());
    }

    [Fact]
    public async Task Token_SignedWithOtherKey_Returns401()
    {
        var cancellationToken = TestContext.Token(TestTimeout);
        var adminId = await GetAdminIdAsync(cancellationToken);
        var otherKey = Convert.ToHexString(Guid.NewGuid().ToByteArray()).ToLowerInvariant();
        using var client = CreateClient("api-1", CreateToken(adminId, otherKey, DateTimeOffset.UtcNow.AddHours(1)));

        using var response = await client.GetAsync(MePath, cancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Token_SignedWithPlatformKey_Returns200()
    {
        // The control for the tests of rejected tokens. The same builder with the platform's key passes.
        var cancellationToken = TestContext.Token(TestTimeout);
        var adminId = await GetAdminIdAsync(cancellationToken);
        var key = fixture.Platform.Secrets.TokenSigningKey;
        using var client = CreateClient("api-1", CreateToken(adminId, key, DateTimeOffset.UtcNow.AddHours(1)));

        using var response = await client.GetAsync(MePath, cancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Token_Expired_Returns401()
    {
        var cancellationToken = TestContext.Token(TestTimeout);
        var adminId = await GetAdminIdAsync(cancellationToken);
        var key = fixture.Platform.Secrets.TokenSigningKey;
        using var client = CreateClient("api-1", CreateToken(adminId, key, DateTimeOffset.UtcNow.AddMinutes(-10)));

        using var response = await client.GetAsync(MePath, cancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
        var detail = (await ReadJsonAsync(response, cancellationToken)).GetProperty("detail").GetString();
        Assert.Contains("expired", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateUser_AdminDemotesSelf_Returns409()
    {
        var cancellationToken = TestContext.Token(TestTimeout);
        using var admin = await SignInAsAdminAsync(cancellationToken);
        var adminId = await GetAdminIdAsync(cancellationToken);

        using var demote = await admin.PatchAsJsonAsync($"{UsersPath}/{adminId}", new { role = "Manager" }, cancellationToken);
        using var deactivate = await admin.PatchAsJsonAsync($"{UsersPath}/{adminId}", new { active = false }, cancellationToken);

        Assert.Equal(HttpStatusCode.Conflict, demote.StatusCode);
        Assert.Equal(ProblemJson, demote.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Conflict, deactivate.StatusCode);
        using var me = await admin.GetAsync(MePath, cancellationToken);
        Assert.Equal("Admin", (await ReadJsonAsync(me, cancellationToken)).GetProperty("role").GetString());
    }

    [Fact]
    public async Task UpdateUser_Deactivate_RejectsTokenAndSignIn()
    {
        var cancellationToken = TestContext.Token(TestTimeout);
        using var admin = await SignInAsAdminAsync(cancellationToken);
        var (userName, password) = await CreateUserAsync(admin, "Driver", cancellationToken);
        using var driver = await SignInAsync("api-2", userName, password, cancellationToken);
        var driverId = await GetOwnIdAsync(driver, cancellationToken);

        using var deactivated = await admin.PatchAsJsonAsync($"{UsersPath}/{driverId}", new { active = false }, cancellationToken);

        Assert.Equal(HttpStatusCode.OK, deactivated.StatusCode);
        Assert.False((await ReadJsonAsync(deactivated, cancellationToken)).GetProperty("active").GetBoolean());
        using var me = await driver.GetAsync(MePath, cancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        using var anonymous = CreateClient("api-1");
        using var signIn = await anonymous.PostAsJsonAsync(TokenPath, new { userName, password }, cancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, signIn.StatusCode);
        Assert.Equal(ProblemJson, signIn.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task UpdateUser_RoleChanged_RejectsOldToken()
    {
        var cancellationToken = TestContext.Token(TestTimeout);
        using var admin = await SignInAsAdminAsync(cancellationToken);
        var (userName, password) = await CreateUserAsync(admin, "Driver", cancellationToken);
        using var driver = await SignInAsync("api-1", userName, password, cancellationToken);
        var driverId = await GetOwnIdAsync(driver, cancellationToken);

        using var promoted = await admin.PatchAsJsonAsync($"{UsersPath}/{driverId}", new { role = "Manager" }, cancellationToken);

        Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
        using var oldToken = await driver.GetAsync(MePath, cancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, oldToken.StatusCode);
        using var manager = await SignInAsync("api-1", userName, password, cancellationToken);
        using var me = await manager.GetAsync(MePath, cancellationToken);
        Assert.Equal("Manager", (await ReadJsonAsync(me, cancellationToken)).GetProperty("role").GetString());
    }

    [Fact]
    public async Task UpdateUser_EmptyBody_Returns400()
    {
        var cancellationToken = TestContext.Token(TestTimeout);
        using var admin = await SignInAsAdminAsync(cancellationToken);
        var adminId = await GetAdminIdAsync(cancellationToken);

        using var response = await admin.PatchAsJsonAsync($"{UsersPath}/{adminId}", new { }, cancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task UpdateUser_UnknownId_Returns404()
    {
        var cancellationToken = TestContext.Token(TestTimeout);
        using var admin = await SignInAsAdminAsync(cancellationToken);

        using var response = await admin.PatchAsJsonAsync($"{UsersPath}/987654321", new { active = true }, cancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ListUsers_AfterCreate_IncludesUserWithoutHash()
    {
        var cancellationToken = TestContext.Token(TestTimeout);
        using var admin = await SignInAsAdminAsync(cancellationToken);
        var userName = UniqueUserName("manager");
        using var created = await admin.PostAsJsonAsync(UsersPath,
            new { userName, displayName = "Manager", password = NewPassword(), role = "Manager" }, cancellationToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var consistencyToken = Assert.Single(created.Headers.GetValues("X-Consistency-Token"));

        // The other instance reads a standby; the consistency token makes it see the new account.
        using var reader = await SignInAsync("api-2", "admin", fixture.Platform.Secrets.AdminPassword, cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Get, UsersPath);
        request.Headers.Add("X-Consistency-Token", consistencyToken);
        using var response = await reader.SendAsync(request, cancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var users = await ReadJsonAsync(response, cancellationToken);
        var user = Assert.Single(users.EnumerateArray(), item => item.GetProperty("userName").GetString() == userName);
        Assert.Equal("Manager", user.GetProperty("role").GetString());
        Assert.All(users.EnumerateArray(), item => Assert.False(item.TryGetProperty("passwordHash", out _)));
    }

    [Fact]
    public async Task GetUser_Location_ReturnsCreatedUser()
    {
        var cancellationToken = TestContext.Token(TestTimeout);
        using var admin = await SignInAsAdminAsync(cancellationToken);
        var userName = UniqueUserName("driver");
        using var created = await admin.PostAsJsonAsync(UsersPath,
            new { userName, displayName = "Driver", password = NewPassword(), role = "Driver" }, cancellationToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        using var reader = await SignInAsync("api-2", "admin", fixture.Platform.Secrets.AdminPassword, cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Get, created.Headers.Location);
        request.Headers.Add("X-Consistency-Token", Assert.Single(created.Headers.GetValues("X-Consistency-Token")));
        using var response = await reader.SendAsync(request, cancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var user = await ReadJsonAsync(response, cancellationToken);
        Assert.Equal(userName, user.GetProperty("userName").GetString());
        Assert.Equal("Driver", user.GetProperty("role").GetString());
        Assert.False(user.TryGetProperty("passwordHash", out _), user.ToString());
    }

    [Fact]
    public async Task ListUsers_AsDispatcher_Returns403()
    {
        var cancellationToken = TestContext.Token(TestTimeout);
        using var admin = await SignInAsAdminAsync(cancellationToken);
        var (userName, password) = await CreateUserAsync(admin, "Dispatcher", cancellationToken);
        using var dispatcher = await SignInAsync("api-1", userName, password, cancellationToken);

        using var response = await dispatcher.GetAsync(UsersPath, cancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
    }

    private HttpClient CreateClient(string instance, string? accessToken = null)
    {
        var client = fixture.Platform.App.CreateHttpClient(instance, "http");
        if (accessToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        return client;
    }

    private async Task<string> RequestTokenAsync(
        string instance, string userName, string password, CancellationToken cancellationToken)
    {
        using var client = CreateClient(instance);
        using var response = await client.PostAsJsonAsync(TokenPath, new { userName, password }, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ReadJsonAsync(response, cancellationToken);
        return body.GetProperty("accessToken").GetString()!;
    }

    private async Task<HttpClient> SignInAsync(
        string instance, string userName, string password, CancellationToken cancellationToken) =>
        CreateClient(instance, await RequestTokenAsync(instance, userName, password, cancellationToken));

    private Task<HttpClient> SignInAsAdminAsync(CancellationToken cancellationToken) =>
        SignInAsync("api-1", "admin", fixture.Platform.Secrets.AdminPassword, cancellationToken);

    private async Task<long> GetAdminIdAsync(CancellationToken cancellationToken)
    {
        using var admin = await SignInAsAdminAsync(cancellationToken);
        return await GetOwnIdAsync(admin, cancellationToken);
    }

    private static async Task<long> GetOwnIdAsync(HttpClient client, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync(MePath, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await ReadJsonAsync(response, cancellationToken)).GetProperty("id").GetInt64();
    }

    private static async Task<(string UserName, string Password)> CreateUserAsync(
        HttpClient admin, string role, CancellationToken cancellationToken)
    {
        var userName = UniqueUserName(role.ToLowerInvariant());
        var password = NewPassword();
        using var response = await admin.PostAsJsonAsync(UsersPath,
            new { userName, displayName = $"Test {role}", password, role }, cancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (userName, password);
    }

    // A token shaped like the API's, signed with HS256 by whatever key the test chooses.
    private static string CreateToken(long userId, string signingKey, DateTimeOffset expiresAt)
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = "luckygas-api",
            Audience = "luckygas",
            IssuedAt = expiresAt.AddHours(-8).UtcDateTime,
            NotBefore = expiresAt.AddHours(-8).UtcDateTime,
            Expires = expiresAt.UtcDateTime,
            Claims = new Dictionary<string, object>
            {
                ["sub"] = userId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["name"] = "admin",
                ["role"] = "Admin",
            },
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return body.RootElement.Clone();
    }

    // At most 43 characters for the longest prefix used here, within the 64-character limit.
    private static string UniqueUserName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private static string NewPassword() => $"pw-{Guid.NewGuid():N}";
}
