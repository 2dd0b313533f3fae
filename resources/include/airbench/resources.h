#pragma once
// The workbench's embedded Qt resources (resources/airbench.qrc, under :/airbench/): the
// application icon, rendered from icons/airbench-workbench.svg at build time.

#include <QIcon>
#include <QString>

namespace airbench::resources {

// Registers the embedded files with Qt's resource system; safe to call more than once. A static
// library's resources reach the program only through a call like this one (applicationIcon()
// makes it too).
void initialize();

// The application icon in every rendered size (16 to 256 px); empty in a build without
// rsvg-convert.
QIcon applicationIcon();

// ":/airbench/icons/<size>.png", the resource path of one rendered size.
QString iconPath(int size);

}  // namespace airbench::resources
