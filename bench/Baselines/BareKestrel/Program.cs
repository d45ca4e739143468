// Kestrel with one endpoint and nothing else: the ceiling that bench/http.sh compares the API's
// cached read against. The body has the shape and about the size of a customer response.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();

var app = builder.Build();

var customer = new
{
    id = 1,
    name = "王小明",
    phone = "0912-345-678",
    kind = "Household",
    city = "臺北市",
    district = "大安區",
    street = "復興南路一段 100 號 5 樓",
    notes = (string?)null,
    createdAt = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
    updatedAt = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
};

app.MapGet("/customer", () => Results.Json(customer));

app.Run();
