// Placeholder translation unit until the security building blocks land.
namespace simpul::security {}
